import Foundation

/// The Hub's URLs (listing and resolve) and the URL arithmetic of redirects: resolving a `Location` and deciding
/// whether a target is still the Hub (same origin) so the token may go there.
enum HubURL {
    /// An absolute URL with a scheme and a host, else nil.
    static func parse(_ text: String) -> URL? {
        guard let url = URL(string: text), url.scheme != nil, let host = url.host, !host.isEmpty else { return nil }
        return url
    }

    /// `GET {endpoint}/api/models/{repo}/revision/{rev}`: the commit and the file list.
    static func listing(endpoint: String, repository: String, revision: String) -> String {
        "\(endpoint)/api/models/\(repository)/revision/\(RepoPath.encodeSegment(revision))"
    }

    /// `{endpoint}/{repo}/resolve/{rev}/{path}`: one file (a redirect to the CDN for LFS files).
    static func resolve(endpoint: String, repository: String, revision: String, path: String) -> String {
        "\(endpoint)/\(repository)/resolve/\(RepoPath.encodeSegment(revision))/\(RepoPath.encodePath(path))"
    }

    /// The absolute target of a redirect's `Location` (which may be relative to the request's URL).
    static func resolveLocation(_ location: String, against base: URL) -> URL? {
        guard let url = URL(string: location, relativeTo: base)?.absoluteURL,
              url.scheme == "http" || url.scheme == "https", url.host != nil
        else { return nil }
        return url
    }

    /// Whether two URLs share scheme, host and port (the browser's origin).
    static func sameOrigin(_ a: URL, _ b: URL) -> Bool {
        origin(a) == origin(b)
    }

    private static func origin(_ url: URL) -> String {
        let scheme = (url.scheme ?? "").lowercased()
        let port = url.port ?? (scheme == "https" ? 443 : 80)
        return "\(scheme)://\((url.host ?? "").lowercased()):\(port)"
    }
}
