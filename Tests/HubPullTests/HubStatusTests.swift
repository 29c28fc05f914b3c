import Testing
@testable import HubPull

@Suite struct HubStatusTests {
    private func map(_ status: UInt, code: String? = nil, file: String? = nil, token: Bool = false) -> Error {
        HubStatus.failure(status: status, errorCode: code, repository: "o/n", revision: "main", file: file,
                          hasToken: token)
    }

    @Test func notFound() {
        let repo = map(404, code: "RepoNotFound") as? PullError
        #expect(repo?.kind == .notFound)
        #expect(repo?.message == "not found on the Hub: o/n")
        let revision = map(404, code: "RevisionNotFound") as? PullError
        #expect(revision?.message == "not found on the Hub: revision 'main' of o/n")
        let file = map(404, code: "EntryNotFound", file: "a.json") as? PullError
        #expect(file?.message == "not found on the Hub: a.json in o/n at revision 'main'")
        // The Hub answers 401 for a repository that does not exist (or is private) without a token.
        let hidden = map(401, code: "RepoNotFound") as? PullError
        #expect(hidden?.kind == .notFound)
    }

    @Test func gatedOrPrivate() {
        let anonymous = map(401, code: "GatedRepo") as? PullError
        #expect(anonymous?.kind == .unauthorized)
        #expect(anonymous?.message == "o/n is gated or private: set HF_TOKEN with access to it")
        #expect((map(403) as? PullError)?.kind == .unauthorized)
        let refused = map(401, token: true) as? PullError
        #expect(refused?.kind == .unauthorized)
        #expect(refused?.message.contains("refused HF_TOKEN") == true)
        let noAccess = map(403, code: "GatedRepo", token: true) as? PullError
        #expect(noAccess?.message.contains("gated or private") == true)
    }

    @Test func transientStatusesAreRetried() {
        for status: UInt in [408, 429, 500, 502, 503] { #expect(map(status) is TransientFailure) }
        #expect((map(418) as? PullError)?.kind == .network)
    }

    @Test func backoffDoubles() {
        #expect(HubClient.backoffNanoseconds(afterFailure: 1) == 200_000_000)
        #expect(HubClient.backoffNanoseconds(afterFailure: 2) == 400_000_000)
        #expect(HubClient.backoffNanoseconds(afterFailure: 4) == 1_600_000_000)
    }
}
