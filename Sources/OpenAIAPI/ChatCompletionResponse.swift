import GatewayCore

/// The body of a non-streamed `POST /v1/chat/completions` response (`chat.completion`), written straight to JSON
/// bytes in OpenAI's field order: id, object, created, model, choices, usage, system_fingerprint.
public struct ChatCompletionResponse: Sendable, Equatable {
    /// One generated message; its `index` is its position in `choices`.
    public struct Choice: Sendable, Equatable {
        public var content: String
        /// The tokens' log-probabilities; nil when the request did not ask (`"logprobs":null`).
        public var logprobs: [TokenLogprobs]?
        public var finishReason: FinishReason
        /// The functions the model called; with calls and no text, `content` is sent as null.
        public var toolCalls: [ToolCall]

        public init(content: String, logprobs: [TokenLogprobs]? = nil, finishReason: FinishReason,
                    toolCalls: [ToolCall] = []) {
            self.content = content
            self.logprobs = logprobs
            self.finishReason = finishReason
            self.toolCalls = toolCalls
        }
    }

    public var id: String
    /// Unix seconds.
    public var created: Int
    public var model: String
    public var choices: [Choice]
    /// For `n` > 1: the prompt counted once, the completion tokens of every choice summed, as OpenAI counts.
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

    /// A fresh `chatcmpl-…` id.
    public static func makeID() -> String { CompletionID.make(prefix: "chatcmpl-") }

    /// The JSON body.
    public func jsonBytes() -> [UInt8] {
        var writer = CompletionJSONWriter(capacity: 256 + choices.reduce(0) { $0 + $1.content.utf8.count + 96 })
        writer.raw(#"{"id":"#)
        writer.string(id)
        writer.raw(#","object":"chat.completion","created":\#(created),"model":"#)
        writer.string(model)
        writer.raw(#","choices":["#)
        for (index, choice) in choices.enumerated() {
            if index > 0 { writer.raw(",") }
            writer.raw(#"{"index":\#(index),"message":{"role":"assistant","content":"#)
            if choice.content.isEmpty, !choice.toolCalls.isEmpty { writer.raw("null") } else { writer.string(choice.content) }
            writer.raw(#","refusal":null"#)
            if !choice.toolCalls.isEmpty {
                writer.raw(#","tool_calls":["#)
                for (position, call) in choice.toolCalls.enumerated() {
                    if position > 0 { writer.raw(",") }
                    writer.raw(#"{"id":"#)
                    writer.string(call.id)
                    writer.raw(#","type":"function","function":{"name":"#)
                    writer.string(call.name)
                    writer.raw(#","arguments":"#)
                    writer.string(call.arguments)
                    writer.raw("}}")
                }
                writer.raw("]")
            }
            writer.raw(#"},"logprobs":"#)
            if let logprobs = choice.logprobs { writer.chatLogprobs(logprobs) } else { writer.raw("null") }
            writer.raw(#","finish_reason":"\#(choice.finishReason.rawValue)"}"#)
        }
        writer.raw(#"],"usage":"#)
        writer.usage(usage)
        writer.raw(#","system_fingerprint":"#)
        writer.stringOrNull(systemFingerprint)
        writer.raw("}")
        return writer.bytes
    }
}
