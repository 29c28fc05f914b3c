import GatewayCore

/// Writes the server-sent events of a streamed `POST /v1/chat/completions` (`chat.completion.chunk`), each framed
/// as `data: <json>\n\n`. Per choice: a role chunk (`{"role":"assistant","content":""}`), content chunks (or, for
/// function calls, a `tool_calls` delta with the call's index, id, type and name, then deltas of its arguments), a
/// finish chunk with an empty delta; then, with `include_usage`, a usage chunk with no choices; then `SSEFrame.done`.
/// With `include_usage` every other chunk carries `"usage":null`, as OpenAI sends it. Pure: same inputs, same bytes.
public struct ChatCompletionChunkWriter: Sendable, Equatable {
    public var id: String
    /// Unix seconds, the same on every chunk.
    public var created: Int
    public var model: String
    /// nil is sent as `null`.
    public var systemFingerprint: String?
    public var includeUsage: Bool
    /// Whether the request asked for log-probabilities: content chunks then carry `{"content":[…],"refusal":null}`.
    public var logprobs: Bool

    public init(id: String, created: Int, model: String, systemFingerprint: String? = nil, includeUsage: Bool,
                logprobs: Bool) {
        self.id = id
        self.created = created
        self.model = model
        self.systemFingerprint = systemFingerprint
        self.includeUsage = includeUsage
        self.logprobs = logprobs
    }

    /// The first chunk of choice `index`.
    public func roleChunk(index: Int) -> [UInt8] {
        chunk { writer in
            writer.raw(#"{"index":\#(index),"delta":{"role":"assistant","content":""},"logprobs":null,"#)
            writer.raw(#""finish_reason":null}"#)
        }
    }

    /// New text of choice `index`, with the log-probabilities of the tokens that produced it.
    public func contentChunk(index: Int, content: String, logprobs tokens: [TokenLogprobs] = []) -> [UInt8] {
        chunk { writer in
            writer.raw(#"{"index":\#(index),"delta":{"content":"#)
            writer.string(content)
            writer.raw(#"},"logprobs":"#)
            if logprobs { writer.chatLogprobs(tokens) } else { writer.raw("null") }
            writer.raw(#","finish_reason":null}"#)
        }
    }

    /// The first delta of call `call` of choice `index`: its id, type and function name, with empty arguments.
    public func toolCallStartChunk(index: Int, call: Int, id: String, name: String) -> [UInt8] {
        chunk { writer in
            writer.raw(#"{"index":\#(index),"delta":{"tool_calls":[{"index":\#(call),"id":"#)
            writer.string(id)
            writer.raw(#","type":"function","function":{"name":"#)
            writer.string(name)
            writer.raw(#","arguments":""}}]},"logprobs":null,"finish_reason":null}"#)
        }
    }

    /// More of the arguments of call `call` of choice `index`.
    public func toolCallArgumentsChunk(index: Int, call: Int, arguments: String) -> [UInt8] {
        chunk { writer in
            writer.raw(#"{"index":\#(index),"delta":{"tool_calls":[{"index":\#(call),"function":{"arguments":"#)
            writer.string(arguments)
            writer.raw(#"}}]},"logprobs":null,"finish_reason":null}"#)
        }
    }

    /// The last chunk of choice `index`.
    public func finishChunk(index: Int, reason: FinishReason) -> [UInt8] {
        chunk { writer in
            writer.raw(#"{"index":\#(index),"delta":{},"logprobs":null,"finish_reason":"\#(reason.rawValue)"}"#)
        }
    }

    /// The chunk that follows every choice's finish chunk when `include_usage` is on: no choices, the usage of the
    /// whole request.
    public func usageChunk(_ usage: GenerationUsage) -> [UInt8] {
        var writer = header()
        writer.raw(#""choices":[],"usage":"#)
        writer.usage(usage)
        writer.raw("}")
        return SSEFrame.data(writer.bytes)
    }

    /// The chunk for one engine event of choice `index`: text as a content chunk, `finished` as a finish chunk.
    public func chunk(for event: GenerationEvent, index: Int) -> [UInt8] {
        switch event {
        case .text(let text, let tokens): contentChunk(index: index, content: text, logprobs: tokens)
        case .finished(let reason, _): finishChunk(index: index, reason: reason)
        }
    }

    private func header() -> CompletionJSONWriter {
        var writer = CompletionJSONWriter()
        writer.raw(#"{"id":"#)
        writer.string(id)
        writer.raw(#","object":"chat.completion.chunk","created":\#(created),"model":"#)
        writer.string(model)
        writer.raw(#","system_fingerprint":"#)
        writer.stringOrNull(systemFingerprint)
        writer.raw(",")
        return writer
    }

    private func chunk(choice: (inout CompletionJSONWriter) -> Void) -> [UInt8] {
        var writer = header()
        writer.raw(#""choices":["#)
        choice(&writer)
        writer.raw(includeUsage ? #"],"usage":null}"# : "]}")
        return SSEFrame.data(writer.bytes)
    }
}
