import GatewayCore

/// The body of the legacy `POST /v1/completions`, as OpenAI defines it plus the `top_k` extension: one or more
/// text prompts continued as they are, with no chat template. Token-id prompts, `suffix` and `best_of` above 1
/// are refused by name.
public struct CompletionRequest: Decodable, Sendable {
    /// OpenAI's default `max_tokens` for this endpoint.
    public static let defaultMaxTokens = 16
    /// Most top alternatives per token in the legacy API.
    public static let maxLogprobs = 5
    /// Most prompts one request may carry.
    public static let maxPrompts = 32

    public let model: String
    /// One or more prompts; each gets `n` choices, choice `i * n + j` being prompt `i`'s `j`th.
    public let prompts: [String]
    public let maxTokens: Int
    /// Whether the client set `max_tokens` (else `maxTokens` is the default of 16, cut to a server limit).
    public let maxTokensGiven: Bool
    /// `logprobs`: nil = off, otherwise how many top alternatives per token (0...5).
    public let logprobs: Int?
    /// Put the prompt in front of each choice's text.
    public let echo: Bool
    public let user: String?
    /// Extension: how long the model stays loaded after this request (Ollama's `keep_alive`).
    public let keepAlive: KeepAlive?
    let sampling: CompletionSampling

    public var n: Int { sampling.n }
    public var stream: Bool { sampling.stream }
    public var includeUsage: Bool { sampling.includeUsage }

    private static let ownFields: Set<String> = ["model", "prompt", "max_tokens", "logprobs", "echo", "suffix",
                                                 "best_of", "keep_alive"]

    public init(from decoder: any Decoder) throws {
        let reader = try CompletionFieldReader(decoder, known: Self.ownFields.union(CompletionSampling.fieldNames))
        model = try reader.required(String.self, "model")
        guard !model.isEmpty else { throw APIError.invalidRequest("'model' must not be empty", param: "model") }
        prompts = try Self.parsePrompts(reader.value("prompt"))
        let given = try reader.integer("max_tokens", in: 1...Int.max)
        maxTokens = given ?? Self.defaultMaxTokens
        maxTokensGiven = given != nil
        sampling = try CompletionSampling(reader)
        logprobs = try reader.integer("logprobs", in: 0...Self.maxLogprobs)
        echo = try reader.optional(Bool.self, "echo") ?? false
        if echo, logprobs != nil {
            throw APIError.invalidRequest(
                "'echo' together with 'logprobs' is not supported by this server: it does not score prompt tokens.",
                param: "echo", code: "unsupported_value")
        }
        try reader.refuseUnlessNeutral("suffix", neutral: "null or \"\"") { $0 == .null || $0 == .string("") }
        if let bestOf = try reader.integer("best_of", in: 1...Int.max), bestOf != 1 {
            throw APIError.invalidRequest(
                "Unsupported value: 'best_of' is not supported by this server; only null or 1 is accepted.",
                param: "best_of", code: "unsupported_value")
        }
        user = sampling.user
        keepAlive = try KeepAliveField.parse(reader.value(KeepAliveField.name))
    }

    /// What the engine is asked for, for each prompt.
    public func generationParameters() -> GenerationParameters {
        GenerationParameters(
            maxTokens: maxTokens, temperature: sampling.temperature, topP: sampling.topP, topK: sampling.topK,
            seed: sampling.seed, stop: sampling.stop, presencePenalty: sampling.presencePenalty,
            frequencyPenalty: sampling.frequencyPenalty, logprobs: logprobs != nil, topLogprobs: logprobs ?? 0,
            minP: sampling.minP, logitBias: sampling.logitBias)
    }

    /// `prompt`: a non-empty string or a non-empty array of them; token-id arrays are refused.
    private static func parsePrompts(_ value: CompletionJSONValue?) throws -> [String] {
        let tokenPrompts = APIError.invalidRequest(
            "Token-id prompts are not supported by this server; send 'prompt' as a string or an array of strings.",
            param: "prompt", code: "unsupported_value")
        let prompts: [String]
        switch value {
        case nil:
            throw APIError.invalidRequest("Missing required parameter: 'prompt'", param: "prompt",
                                              code: "missing_required_parameter")
        case .string(let prompt)?:
            prompts = [prompt]
        case .array(let items)? where isTokenPrompt(items):
            throw tokenPrompts
        case .array(let items)?:
            guard !items.isEmpty else {
                throw APIError.invalidRequest("Invalid 'prompt': expected a non-empty array of strings.",
                                                  param: "prompt", code: "empty_array")
            }
            guard items.count <= maxPrompts else {
                throw APIError.invalidRequest(
                    "Invalid 'prompt': \(items.count) prompts; at most \(maxPrompts) are allowed.", param: "prompt",
                    code: "array_above_max_length")
            }
            prompts = try items.enumerated().map { index, item in
                guard case .string(let prompt) = item else {
                    throw CompletionFieldReader.wrongType("prompt[\(index)]", expected: "a string",
                                                          sent: item.typeName)
                }
                return prompt
            }
        case let other?:
            throw CompletionFieldReader.wrongType("prompt", expected: "a string or an array of strings",
                                                  sent: other.typeName)
        }
        if let index = prompts.firstIndex(where: \.isEmpty) {
            let param = value == .string("") ? "prompt" : "prompt[\(index)]"
            throw APIError.invalidRequest("Invalid '\(param)': prompts must not be empty.", param: param)
        }
        return prompts
    }

    /// One token-id sequence (all numbers) or several (all arrays).
    private static func isTokenPrompt(_ items: [CompletionJSONValue]) -> Bool {
        let numbers = items.allSatisfy { if case .number = $0 { true } else { false } }
        let arrays = items.allSatisfy { if case .array = $0 { true } else { false } }
        return !items.isEmpty && (numbers || arrays)
    }
}
