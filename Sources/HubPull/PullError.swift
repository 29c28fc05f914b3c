/// Why a pull failed: a stable `kind` (the code a server maps to its wire format) and a one-line message that names
/// the repository or file and says what to do.
public struct PullError: Error, Sendable, CustomStringConvertible {
    /// The stable code of a failure.
    public enum Kind: String, Sendable {
        case invalidRequest = "invalid_request"
        case notFound = "not_found"
        case unauthorized
        case alreadyExists = "already_exists"
        case checksumMismatch = "checksum_mismatch"
        case network
        case diskFull = "disk_full"
        case importFailed = "import_failed"
        case io
    }

    public let kind: Kind
    /// One line, without a trailing period or newline.
    public let message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message.split(whereSeparator: \.isNewline).joined(separator: " ")
    }

    public var description: String { message }
}
