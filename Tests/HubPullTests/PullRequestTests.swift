import Testing
@testable import HubPull

@Suite struct PullRequestTests {
    private func request(_ repository: String = "BAAI/bge-small-en-v1.5", revision: String = "main",
                         include: [String] = [], name: String? = nil, endpoint: String = "https://huggingface.co/",
                         parallel: Int = 4) -> PullRequest {
        PullRequest(repository: repository, revision: revision, include: include, name: name, endpoint: endpoint,
                    token: "  secret\n", modelsDirectory: "/tmp/models", parallelDownloads: parallel)
    }

    private func kind(_ body: () throws -> PullRequest) -> PullError.Kind? {
        do {
            _ = try body()
            return nil
        } catch let error as PullError {
            return error.kind
        } catch {
            return nil
        }
    }

    @Test func validRequestIsNormalised() throws {
        let valid = try request().validated()
        #expect(valid.endpoint == "https://huggingface.co")
        #expect(valid.token == "secret")
        #expect(valid.folderName == "bge-small-en-v1.5")
        #expect(try request(name: "bge").validated().folderName == "bge")
    }

    @Test func badRequestsAreInvalid() {
        #expect(kind { try request("not-a-repo").validated() } == .invalidRequest)
        #expect(kind { try request("a/../b").validated() } == .invalidRequest)
        #expect(kind { try request(revision: "../main").validated() } == .invalidRequest)
        #expect(kind { try request(revision: "/main").validated() } == .invalidRequest)
        #expect(kind { try request(name: "a/b").validated() } == .invalidRequest)
        #expect(kind { try request(name: ".hidden").validated() } == .invalidRequest)
        #expect(kind { try request(name: "").validated() } == .invalidRequest)
        #expect(kind { try request(include: [""]).validated() } == .invalidRequest)
        #expect(kind { try request(endpoint: "ftp://x").validated() } == .invalidRequest)
        #expect(kind { try request(endpoint: "not a url").validated() } == .invalidRequest)
        #expect(kind { try request(parallel: 0).validated() } == .invalidRequest)
    }

    @Test func errorMessagesAreOneLine() {
        let error = PullError(.network, "first\nsecond")
        #expect(error.message == "first second")
        #expect(error.description == error.message)
        #expect(PullError.Kind.checksumMismatch.rawValue == "checksum_mismatch")
    }
}
