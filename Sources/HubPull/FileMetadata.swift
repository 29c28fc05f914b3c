/// What the Hub's answer to `HEAD /{repo}/resolve/{rev}/{path}` says about one file: its ETag, the LFS sha256 to
/// verify (from `X-Linked-Etag`), its size, and where to download it (the redirect's target, else the same URL).
public struct FileMetadata: Sendable, Equatable {
    /// The ETag without `W/` and quotes (git's blob sha1 for small files, the sha256 for LFS files).
    public var etag: String?
    /// The sha256 of the content, lower-case hex, when the file is stored in LFS.
    public var sha256: String?
    /// The size in bytes, when the Hub said (`X-Linked-Size`, else `Content-Length` of a non-redirect answer).
    public var size: Int64?
    /// The URL to GET.
    public var location: String

    public init(etag: String?, sha256: String?, size: Int64?, location: String) {
        self.etag = etag
        self.sha256 = sha256
        self.size = size
        self.location = location
    }

    /// Reads the headers of a `HEAD` answer. `header` looks a header up by name (case-insensitively);
    /// `redirectTarget` is the resolved `Location` of a 3xx answer, nil for a 2xx one.
    public static func parse(header: (String) -> String?, requestURL: String, redirectTarget: String?) -> FileMetadata {
        let linked = header("X-Linked-Etag").map(normalizeETag)
        let etag = linked ?? header("ETag").map(normalizeETag)
        let sha256 = linked.flatMap { isSHA256($0) ? $0.lowercased() : nil }
        let sizeText = header("X-Linked-Size") ?? (redirectTarget == nil ? header("Content-Length") : nil)
        let size = sizeText.flatMap { Int64($0.trimmingWhitespace()) }.flatMap { $0 >= 0 ? $0 : nil }
        return FileMetadata(etag: etag, sha256: sha256, size: size, location: redirectTarget ?? requestURL)
    }

    /// `W/"abc"` and `"abc"` → `abc`.
    public static func normalizeETag(_ value: String) -> String {
        var text = Substring(value.trimmingWhitespace())
        if text.hasPrefix("W/") { text = text.dropFirst(2) }
        if text.count >= 2, text.hasPrefix("\""), text.hasSuffix("\"") { text = text.dropFirst().dropLast() }
        return String(text)
    }

    /// 64 hex digits.
    public static func isSHA256(_ text: String) -> Bool {
        text.utf8.count == 64 && text.unicodeScalars.allSatisfy { $0.properties.isASCIIHexDigit }
    }
}

extension String {
    func trimmingWhitespace() -> String {
        let scalars = unicodeScalars
        guard let start = scalars.firstIndex(where: { $0 != " " && $0 != "\t" }),
              let end = scalars.lastIndex(where: { $0 != " " && $0 != "\t" })
        else { return "" }
        return String(scalars[start...end])
    }
}
