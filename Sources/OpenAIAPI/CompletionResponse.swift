import GatewayCore

/// The body of a non-streamed legacy `POST /v1/completions` response (`text_completion`), written straight to JSON
/// bytes in OpenAI's field order: id, object, created, model, system_fingerprint, choices, usage.
public struct CompletionResponse: Sendable, Equatable {
    /// One generated text; its `index` is its position in `choices`.
    public struct Choice: Sendable, Equatable {
        /// The text, with the prompt in front when the request asked for `echo`.
        public var text: String
        /// The generated tokens' log-probabilities in the legacy shape; nil when not asked (`"logprobs":null`).
        public var logprobs: [TokenLogprobs]?
        /// Where the first log-probability token starts in `text`, in Unicode scalars (the prompt's length when
        /// the prompt is echoed, else 0).
        public var textOffset: Int
        public var finishReason: FinishReason

        public init(text: String, logprobs: [TokenLogprobs]? = nil, textOffset: Int = 0, finishReason: FinishReason) {
            self.text = text
            self.logprobs = logprobs
            self.textOffset = textOffset
            self.finishReason = finishReason
        }
    }

    public var id: String
    /// Unix seconds.
    public var created: Int
    public var model: String
    public var choices: [Choice]
    /// Every prompt's tokens once, plus every choice's completion tokens.
    public var usage: GenerationUsage
    /// nil is sent as `null`.
    public var systemFingerprint: String?

    public init(id: String, created: Int, model: String, choices: [Choice], usage: GenerationUsage,
                systemFingerprint: String? = nil) {
        self.id = id
        self.created = created
        self.model = model
        self.choices = choices
        self.usage = usage
        self.systemFingerprint = systemFingerprint
    }

    /// A fresh `cmpl-…` id.
    public static func makeID() -> String { CompletionID.make(prefix: "cmpl-") }

    /// The JSON body.
    public func jsonBytes() -> [UInt8] {
        var writer = CompletionJSONWriter(capacity: 256 + choices.reduce(0) { $0 + $1.text.utf8.count + 80 })
        writer.raw(#"{"id":"#)
        writer.string(id)
        writer.raw(#","object":"text_completion","created":\#(created),"model":"#)
        writer.string(model)
        writer.raw(#","system_fingerprint":"#)
        writer.stringOrNull(systemFingerprint)
        writer.raw(#","choices":["#)
        for (index, choice) in choices.enumerated() {
            if index > 0 { writer.raw(",") }
            writer.raw(#"{"text":"#)
            writer.string(choice.text)
            writer.raw(#","index":\#(index),"logprobs":"#)
            if let logprobs = choice.logprobs {
                writer.legacyLogprobs(logprobs, textOffset: choice.textOffset)
            } else {
                writer.raw("null")
            }
            writer.raw(#","finish_reason":"\#(choice.finishReason.rawValue)"}"#)
        }
        writer.raw(#"],"usage":"#)
        writer.usage(usage)
        writer.raw("}")
        return writer.bytes
    }
}
