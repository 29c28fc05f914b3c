/// Maps the Hub's HTTP statuses (and its `X-Error-Code` header) to a `PullError` or, for statuses worth another try,
/// a `TransientFailure`.
enum HubStatus {
    static func failure(status: UInt, errorCode: String?, repository: String, revision: String, file: String?,
                        hasToken: Bool) -> Error {
        let subject = file.map { "\($0) in \(repository) at revision '\(revision)'" } ?? repository
        switch status {
        case 404:
            if file == nil && errorCode == "RevisionNotFound" {
                return PullError(.notFound, "not found on the Hub: revision '\(revision)' of \(repository)")
            }
            return PullError(.notFound, "not found on the Hub: \(subject)")
        case 401 where hasToken:
            return PullError(.unauthorized, "the Hub refused HF_TOKEN for \(repository) (HTTP 401): check that the"
                             + " token is valid")
        case 401 where errorCode == "RepoNotFound":
            return PullError(.notFound, "not found on the Hub: \(repository) (if it is private or gated, set HF_TOKEN"
                             + " with access to it)")
        case 401, 403:
            if hasToken {
                return PullError(.unauthorized, "\(repository) is gated or private and HF_TOKEN has no access to it:"
                                 + " request access on its Hub page")
            }
            return PullError(.unauthorized, "\(repository) is gated or private: set HF_TOKEN with access to it")
        case 408, 429, 500..<600:
            return TransientFailure(reason: "the Hub answered HTTP \(status)")
        default:
            return PullError(.network, "the Hub answered HTTP \(status) for \(subject)")
        }
    }
}
