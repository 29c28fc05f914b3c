/// An error a client can cause (or one the gateway reports to a client), with a stable kind that the HTTP edge
/// maps to a status and OpenAI's error envelope in one place.
public struct GatewayError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The stable classes of failure; each maps to one HTTP status.
    public enum Kind: String, Sendable, Equatable {
        case invalidRequest
        case authentication
        case notFound
        case methodNotAllowed
        case payloadTooLarge
        case unsupportedMediaType
        case rateLimited
        case unavailable
        case `internal`
    }

    public var kind: Kind
    public var message: String
    /// The request field at fault, as OpenAI's `param` (for example `input` or `messages[2].content`).
    public var param: String?
    /// A machine-readable code, as OpenAI's `code` (for example `model_not_found`).
    public var code: String?

    public init(_ kind: Kind, _ message: String, param: String? = nil, code: String? = nil) {
        self.kind = kind
        self.message = message
        self.param = param
        self.code = code
    }

    public var description: String { "\(kind.rawValue): \(message)" }

    public static func invalidRequest(_ message: String, param: String? = nil, code: String? = nil) -> GatewayError {
        GatewayError(.invalidRequest, message, param: param, code: code)
    }

    public static func modelNotFound(_ id: String, param: String? = "model") -> GatewayError {
        GatewayError(.notFound, "The model '\(id)' does not exist", param: param, code: "model_not_found")
    }

    public static func unavailable(_ message: String, code: String? = nil) -> GatewayError {
        GatewayError(.unavailable, message, code: code)
    }
}
