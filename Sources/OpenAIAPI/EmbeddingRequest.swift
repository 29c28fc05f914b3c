import GatewayCore

/// The body of `POST /v1/embeddings`, as OpenAI defines it, plus the `truncate` extension.
public struct EmbeddingRequest: Decodable, Sendable {
    /// `input`: one text, several texts, one token-id sequence or several.
    public enum Input: Sendable, Equatable {
        case texts([String])
        case tokens([[Int]])
    }

    /// `encoding_format`.
    public enum EncodingFormat: String, Sendable {
        case float
        case base64
    }

    /// The most inputs one request may carry, as OpenAI allows.
    public static let maxInputs = 2048

    public let model: String
    public let input: Input
    /// Whether `input` was one text or one token sequence (not an array of them): errors then name `input`.
    public let inputIsSingle: Bool
    public let encodingFormat: EncodingFormat
    public let dimensions: Int?
    public let user: String?
    /// Extension: cut inputs over the model's limit instead of refusing them; nil = the server's setting.
    public let truncate: Bool?
    /// Extension: how long the model stays loaded after this request (Ollama's `keep_alive`).
    public let keepAlive: KeepAlive?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case model, input, dimensions, user, truncate
        case keepAlive = "keep_alive"
        case encodingFormat = "encoding_format"
    }

    public init(from decoder: any Decoder) throws {
        try decoder.refuseUnknownKeys(Set(CodingKeys.allCases.map(\.rawValue)))
        let container = try decoder.container(keyedBy: CodingKeys.self)
        model = try container.decode(String.self, forKey: .model)
        guard !model.isEmpty else { throw APIError.invalidRequest("'model' must not be empty", param: "model") }
        (input, inputIsSingle) = try Self.decodeInput(container)
        let format = try container.decodeIfPresent(String.self, forKey: .encodingFormat) ?? "float"
        guard let encodingFormat = EncodingFormat(rawValue: format) else {
            throw APIError.invalidRequest(
                "Invalid value for 'encoding_format': '\(format)'; expected 'float' or 'base64'",
                param: "encoding_format")
        }
        self.encodingFormat = encodingFormat
        dimensions = try Self.decodeDimensions(container)
        user = try container.decodeIfPresent(String.self, forKey: .user)
        truncate = try container.decodeIfPresent(Bool.self, forKey: .truncate)
        keepAlive = try KeepAliveField.parse(container.decodeIfPresent(CompletionJSONValue.self, forKey: .keepAlive))
    }

    private static func decodeInput(_ container: KeyedDecodingContainer<CodingKeys>) throws -> (Input, Bool) {
        guard container.contains(.input) else {
            throw APIError.invalidRequest("Missing required parameter: 'input'", param: "input",
                                              code: "missing_required_parameter")
        }
        let wrongType = APIError.invalidRequest(
            "'input' must be a string, an array of strings, an array of token ids or an array of arrays of token ids",
            param: "input", code: "invalid_type")
        let input: Input
        var single = false
        if let text = try? container.decode(String.self, forKey: .input) {
            input = .texts([text])
            single = true
        } else if let texts = try? container.decode([String].self, forKey: .input) {
            input = .texts(texts)
        } else if let tokens = try? container.decode([Int].self, forKey: .input) {
            input = .tokens([tokens])
            single = true
        } else if let batches = try? container.decode([[Int]].self, forKey: .input) {
            input = .tokens(batches)
        } else {
            throw wrongType
        }
        switch input {
        case .texts(let texts):
            guard !texts.isEmpty else {
                throw APIError.invalidRequest("'input' must not be an empty array", param: "input")
            }
            guard texts.count <= maxInputs else {
                throw APIError.invalidRequest("'input' has \(texts.count) items; at most \(maxInputs) are allowed",
                                                  param: "input")
            }
            if let index = texts.firstIndex(where: { $0.isEmpty }) {
                throw APIError.invalidRequest(
                    "'input' must not contain empty strings (input[\(index)] is empty)",
                    param: single ? "input" : "input[\(index)]")
            }
        case .tokens(let batches):
            guard !batches.isEmpty else {
                throw APIError.invalidRequest("'input' must not be an empty array", param: "input")
            }
            guard batches.count <= maxInputs else {
                throw APIError.invalidRequest("'input' has \(batches.count) items; at most \(maxInputs) are allowed",
                                                  param: "input")
            }
            if let index = batches.firstIndex(where: { $0.isEmpty }) {
                throw APIError.invalidRequest(
                    "'input' must not contain empty token arrays (input[\(index)] is empty)", param: "input[\(index)]")
            }
        }
        return (input, single)
    }
}

extension EmbeddingRequest {
    /// `dimensions`: absent or null, else a whole number from 1 up (read as a number first, so a float, a string
    /// or an integer beyond 64 bits is a 400 naming the field, never a decoding failure).
    fileprivate static func decodeDimensions(_ container: KeyedDecodingContainer<CodingKeys>) throws -> Int? {
        guard container.contains(.dimensions), try !container.decodeNil(forKey: .dimensions) else { return nil }
        guard let number = try? container.decode(Double.self, forKey: .dimensions) else {
            throw APIError.invalidRequest("Invalid type for 'dimensions': expected an integer", param: "dimensions",
                                          code: "invalid_type")
        }
        guard number.rounded() == number, number >= 1, number <= 1_048_576 else {
            throw APIError.invalidRequest("'dimensions' must be an integer of at least 1", param: "dimensions",
                                          code: "invalid_value")
        }
        return Int(number)
    }
}
