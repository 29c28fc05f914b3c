/// What one generation asks for, independent of the wire format: limits, sampling, stops, penalties and
/// log-probabilities. The OpenAI edge fills it from a validated request.
public struct GenerationParameters: Sendable, Equatable {
    /// Most new tokens; nil = up to the model's context length.
    public var maxTokens: Int?
    /// 0 (or nil with no other sampling field) = greedy.
    public var temperature: Double?
    public var topP: Double?
    public var topK: Int?
    /// Drops tokens whose probability is below `minP` × the most likely token's (after the temperature).
    public var minP: Double?
    /// Added to a token's logit before the choice (OpenAI's `logit_bias`, -100...100; token id → bias).
    public var logitBias: [Int32: Double]
    /// Same seed + same request = same output.
    public var seed: UInt64?
    /// Up to 4 strings; generation stops before the first one and never emits it.
    public var stop: [String]
    public var presencePenalty: Double
    public var frequencyPenalty: Double
    /// Return the chosen token's log-probability with each piece.
    public var logprobs: Bool
    /// How many alternatives (0...20) to return per token when `logprobs` is on.
    public var topLogprobs: Int
    /// A grammar the output must follow (JSON schema, any JSON object, regex, Lark): only tokens it allows are
    /// sampled, and the generation ends when it is complete. Needs the decode engine.
    public var grammar: OutputGrammar?

    public init(maxTokens: Int? = nil, temperature: Double? = nil, topP: Double? = nil, topK: Int? = nil,
                seed: UInt64? = nil, stop: [String] = [], presencePenalty: Double = 0, frequencyPenalty: Double = 0,
                logprobs: Bool = false, topLogprobs: Int = 0, minP: Double? = nil, logitBias: [Int32: Double] = [:],
                grammar: OutputGrammar? = nil) {
        self.grammar = grammar
        self.minP = minP
        self.logitBias = logitBias
        self.maxTokens = maxTokens
        self.temperature = temperature
        self.topP = topP
        self.topK = topK
        self.seed = seed
        self.stop = stop
        self.presencePenalty = presencePenalty
        self.frequencyPenalty = frequencyPenalty
        self.logprobs = logprobs
        self.topLogprobs = topLogprobs
    }

    /// Fills the sampling values the request left out from a model's configured defaults.
    public mutating func apply(_ defaults: ModelSettings.SamplingDefaults) {
        temperature = temperature ?? defaults.temperature
        topP = topP ?? defaults.topP
        topK = topK ?? defaults.topK
    }

    /// True when no sampling is asked for: temperature 0, or no temperature/top_p/top_k at all.
    public var isGreedy: Bool {
        if let temperature { return temperature == 0 }
        return false
    }
}

/// Why a generation ended, in OpenAI's words.
public enum FinishReason: String, Sendable, Equatable {
    /// The model ended its turn (an end-of-sequence token) or a stop string matched.
    case stop
    /// `max_tokens` or the context length was reached.
    case length
    /// The model called one or more functions (set by the API layer when the output held calls).
    case toolCalls = "tool_calls"
}

/// A chosen or alternative token with its log-probability, as OpenAI reports it.
public struct TokenLogprob: Sendable, Equatable {
    public var token: String
    /// The token's UTF-8 bytes (a token can be part of a character, so `token` may hold U+FFFD).
    public var bytes: [UInt8]
    public var logprob: Double

    public init(token: String, bytes: [UInt8], logprob: Double) {
        self.token = token
        self.bytes = bytes
        self.logprob = logprob
    }
}

/// One generated token's log-probability information.
public struct TokenLogprobs: Sendable, Equatable {
    public var chosen: TokenLogprob
    public var top: [TokenLogprob]

    public init(chosen: TokenLogprob, top: [TokenLogprob]) {
        self.chosen = chosen
        self.top = top
    }

    /// `token`'s log-probability and the `top` most likely tokens' from `logits[range]`, each named by `text`.
    static func from(_ logits: [Float], range: Range<Int>, token: Int32, top: Int, text: (Int32) -> String)
        -> TokenLogprobs
    {
        let result = LogitsMath.logprobs(logits, range: range, token: token, top: top)
        func entry(_ id: Int32, _ logprob: Double) -> TokenLogprob {
            let piece = text(id)
            return TokenLogprob(token: piece, bytes: Array(piece.utf8), logprob: logprob)
        }
        return TokenLogprobs(chosen: entry(token, result.chosen), top: result.top.map { entry($0.token, $0.logprob) })
    }
}

/// Token counts of one generation (exact: the prompt is the rendered template's tokens).
public struct GenerationUsage: Sendable, Equatable {
    public var promptTokens: Int
    public var completionTokens: Int
    /// Prompt tokens whose keys and values were reused from an earlier request (the prefix cache).
    public var cachedTokens: Int
    /// The stop string that ended the generation, when one did (Anthropic's `stop_sequence`).
    public var stopSequence: String?

    public init(promptTokens: Int, completionTokens: Int, cachedTokens: Int = 0, stopSequence: String? = nil) {
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
        self.cachedTokens = cachedTokens
        self.stopSequence = stopSequence
    }

    public var totalTokens: Int { promptTokens + completionTokens }
}

/// What a generation yields, in order: pieces of text (never splitting a UTF-8 character, never containing a stop
/// string), then exactly one `finished`.
public enum GenerationEvent: Sendable, Equatable {
    /// New text, with the log-probabilities of the tokens that produced it when asked for.
    case text(String, logprobs: [TokenLogprobs])
    case finished(FinishReason, usage: GenerationUsage)
}
