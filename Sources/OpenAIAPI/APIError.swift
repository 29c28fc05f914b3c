/// An error as a client of the OpenAI-compatible API sees it: a class of failure (which the server maps to one HTTP
/// status), a message, the request field at fault (OpenAI's `param`) and a machine-readable code. The edge builds
/// these from request validation and from the core's `ServingError`s; the core never sees this type.
public struct APIError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The stable classes of failure; GatewayServer maps each to one HTTP status and OpenAI `type`.
    public enum Kind: String, Sendable, Equatable {
        case invalidRequest
        case authentication
        case notFound
        case conflict
        case methodNotAllowed
        case payloadTooLarge
        case unsupportedMediaType
        case rateLimited
        case timeout
        case unavailable
        /// An upstream service (the Hugging Face Hub) failed.
        case badGateway
        /// No room left on the disk.
        case insufficientStorage
        case `internal`
    }

    public var kind: Kind
    public var message: String
    /// The request field at fault, as OpenAI's `param` (for example `input` or `messages[2].content`).
    public var param: String?
    /// A machine-readable code, as OpenAI's `code` (for example `model_not_found`).
    public var code: String?
    /// Seconds after which a retry can succeed (`Retry-After` of a 429 or 503); nil: 1; 0: none is sent.
    public var retryAfterSeconds: Int?

    public init(_ kind: Kind, _ message: String, param: String? = nil, code: String? = nil) {
        self.kind = kind
        self.message = message
        self.param = param
        self.code = code
    }

    public var description: String { "\(kind.rawValue): \(message)" }

    public static func invalidRequest(_ message: String, param: String? = nil, code: String? = nil) -> APIError {
        APIError(.invalidRequest, message, param: param, code: code)
    }

    public static func unavailable(_ message: String, code: String? = nil) -> APIError {
        APIError(.unavailable, message, code: code)
    }
}
