import GatewayCore

/// OpenAI's error body: `{"error":{"message","type","param","code"}}`; `param` and `code` are always present,
/// `null` when not set, as OpenAI sends them.
public struct ErrorEnvelope: Codable, Sendable, Equatable {
    /// The inner object of the envelope.
    public struct Body: Codable, Sendable, Equatable {
        public var message: String
        public var type: String
        public var param: String?
        public var code: String?

        public init(message: String, type: String, param: String?, code: String?) {
            self.message = message
            self.type = type
            self.param = param
            self.code = code
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(message, forKey: .message)
            try container.encode(type, forKey: .type)
            try container.encode(param, forKey: .param)
            try container.encode(code, forKey: .code)
        }
    }

    public var error: Body

    public init(_ error: GatewayError) {
        self.error = Body(message: error.message, type: error.kind.openAIType, param: error.param, code: error.code)
    }
}

extension GatewayError.Kind {
    /// The HTTP status this kind of error is sent with.
    public var httpStatus: Int {
        switch self {
        case .invalidRequest: 400
        case .authentication: 401
        case .notFound: 404
        case .methodNotAllowed: 405
        case .payloadTooLarge: 413
        case .unsupportedMediaType: 415
        case .rateLimited: 429
        case .internal: 500
        case .unavailable: 503
        }
    }

    /// OpenAI's `type` for this kind of error.
    public var openAIType: String {
        switch self {
        case .invalidRequest, .notFound, .methodNotAllowed, .payloadTooLarge, .unsupportedMediaType:
            "invalid_request_error"
        case .authentication: "authentication_error"
        case .rateLimited: "rate_limit_error"
        case .internal, .unavailable: "server_error"
        }
    }
}
