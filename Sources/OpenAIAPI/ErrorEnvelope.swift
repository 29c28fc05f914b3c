/// OpenAI's error body: `{"error":{"message","type","param","code"}}` in exactly that key order; `param` and
/// `code` are always present, `null` when not set, as OpenAI sends them.
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

    /// - Parameter type: OpenAI's `type` for the error's kind (the server's error mapping decides it).
    public init(_ error: APIError, type: String) {
        self.error = Body(message: error.message, type: type, param: error.param, code: error.code)
    }

    /// The envelope as JSON bytes, keys always in the order `error` > `message`, `type`, `param`, `code`.
    public func jsonBytes() -> [UInt8] {
        var writer = CompletionJSONWriter()
        writer.raw(#"{"error":{"message":"#)
        writer.string(error.message)
        writer.raw(#","type":"#)
        writer.string(error.type)
        writer.raw(#","param":"#)
        writer.stringOrNull(error.param)
        writer.raw(#","code":"#)
        writer.stringOrNull(error.code)
        writer.raw("}}")
        return writer.bytes
    }
}
