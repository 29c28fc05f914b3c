import GatewayCore

/// The body of `POST /v1/chat/completions`, as OpenAI defines it plus the `top_k` extension. Every field a client
/// sends is honoured or refused with a 400 naming it; fields the gateway does not implement (audio, predicted
/// output, the deprecated `functions`, …) are accepted only with the neutral value that asks for nothing.
public struct ChatCompletionRequest: Decodable, Sendable {
    /// Most top alternatives per token, as OpenAI allows.
    public static let maxTopLogprobs = 20

    public let model: String
    /// The conversation, roles and text only.
    public let messages: [ChatMessage]
    /// `max_completion_tokens`, or the older `max_tokens`; nil = up to the model's context length.
    public let maxTokens: Int?
    /// The field that set `maxTokens`: `max_tokens` or `max_completion_tokens`.
    public let maxTokensParam: String
    public let logprobs: Bool
    /// nil when not sent; only sent with `logprobs: true`.
    public let topLogprobs: Int?
    public let user: String?
    /// Extension: how long the model stays loaded after this request (Ollama's `keep_alive`).
    public let keepAlive: KeepAlive?
    /// `response_format` (or a `guided_*` extension field): the grammar the output must follow (nil for text).
    public let grammar: OutputGrammar?
    /// The field that set `grammar`, for errors about it.
    public let grammarParam: String
    /// `tools`, `tool_choice` and `parallel_tool_calls`; nil without tools. With calls allowed, `grammar` holds the
    /// output to them.
    public let tools: ToolUse?
    let sampling: CompletionSampling

    /// How many choices to generate (1...8).
    public var n: Int { sampling.n }
    public var stream: Bool { sampling.stream }
    /// `stream_options.include_usage`: end the stream with a usage chunk (and send `"usage":null` before it).
    public var includeUsage: Bool { sampling.includeUsage }

    private static let ownFields: Set<String> = [
        "model", "messages", "max_tokens", "max_completion_tokens", "logprobs", "top_logprobs", "keep_alive",
        "response_format", "guided_json", "guided_regex", "guided_choice", "guided_grammar",
    ]

    public init(from decoder: any Decoder) throws {
        let reader = try CompletionFieldReader(
            decoder, known: Self.ownFields.union(CompletionSampling.fieldNames).union(ChatTools.fieldNames)
                .union(Self.neutralOnly.map(\.name)))
        model = try reader.required(String.self, "model")
        guard !model.isEmpty else { throw APIError.invalidRequest("'model' must not be empty", param: "model") }
        messages = try Self.parseMessages(reader)
        let maxTokens = try reader.integer("max_tokens", in: 1...Int.max)
        let maxCompletionTokens = try reader.integer("max_completion_tokens", in: 1...Int.max)
        if maxTokens != nil, maxCompletionTokens != nil {
            throw APIError.invalidRequest(
                "Send either 'max_tokens' or 'max_completion_tokens', not both; 'max_tokens' is the deprecated name "
                    + "of 'max_completion_tokens'.",
                param: "max_tokens", code: "invalid_value")
        }
        self.maxTokens = maxCompletionTokens ?? maxTokens
        maxTokensParam = maxCompletionTokens != nil ? "max_completion_tokens" : "max_tokens"
        sampling = try CompletionSampling(reader)
        logprobs = try reader.optional(Bool.self, "logprobs") ?? false
        topLogprobs = try reader.integer("top_logprobs", in: 0...Self.maxTopLogprobs)
        if topLogprobs != nil, !logprobs {
            throw APIError.invalidRequest("'top_logprobs' is only allowed when 'logprobs' is true.",
                                              param: "top_logprobs", code: "invalid_value")
        }
        user = sampling.user
        let constraint = try ResponseFormat.guided(
            reader, responseFormat: ResponseFormat.grammar(reader.value("response_format")))
        tools = try ChatTools.parse(reader, model: model)
        grammarParam = constraint?.param ?? (tools?.parsesCalls == true ? "tools" : "response_format")
        if let tools, tools.parsesCalls, constraint != nil {
            throw APIError.invalidRequest(
                "'\(grammarParam)' cannot be combined with 'tools' unless 'tool_choice' is 'none': the output is "
                    + "either function calls or text in the requested format.",
                param: grammarParam, code: "invalid_value")
        }
        grammar = constraint?.grammar ?? tools?.grammar()
        keepAlive = try KeepAliveField.parse(reader.value(KeepAliveField.name))
        for field in Self.neutralOnly {
            try reader.refuseUnlessNeutral(field.name, neutral: field.neutral, isNeutral: field.isNeutral)
        }
    }

    /// What the engine is asked for.
    public func generationParameters() -> GenerationParameters {
        GenerationParameters(
            maxTokens: maxTokens, temperature: sampling.temperature, topP: sampling.topP, topK: sampling.topK,
            seed: sampling.seed, stop: sampling.stop, presencePenalty: sampling.presencePenalty,
            frequencyPenalty: sampling.frequencyPenalty, logprobs: logprobs, topLogprobs: topLogprobs ?? 0,
            minP: sampling.minP, logitBias: sampling.logitBias, grammar: grammar)
    }

    static func parseMessages(_ reader: CompletionFieldReader) throws -> [ChatMessage] {
        let items = try reader.required([CompletionJSONValue].self, "messages")
        guard !items.isEmpty else {
            throw APIError.invalidRequest(
                "Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array "
                    + "instead.",
                param: "messages", code: "empty_array")
        }
        return try items.enumerated().map { try ChatMessage.parse($1, index: $0) }
    }
}
