import GatewayCore

/// Writes the server-sent events of a streamed legacy `POST /v1/completions`, each framed as `data: <json>\n\n`
/// in the order OpenAI streams them: id, object, created, choices, model, system_fingerprint (then `usage`). Per
/// choice: text chunks, then a finish chunk with empty text; then, with `include_usage`, a usage chunk with no
/// choices; then `SSEFrame.done`. With `include_usage` every other chunk carries `"usage":null`. Pure: same inputs,
/// same bytes.
public struct CompletionChunkWriter: Sendable, Equatable {
    public var id: String
    /// Unix seconds, the same on every chunk.
    public var created: Int
    public var model: String
    /// nil is sent as `null`.
    public var systemFingerprint: String?
    public var includeUsage: Bool
    /// Whether the request asked for log-probabilities: text chunks then carry the legacy `logprobs` object.
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

    /// New text of choice `index`. `textOffset` is where this text starts in the choice's whole text, in Unicode
    /// scalars (the sum of the earlier chunks' lengths), for the legacy `text_offset`.
    public func textChunk(index: Int, text: String, logprobs tokens: [TokenLogprobs] = [], textOffset: Int = 0)
        -> [UInt8]
    {
        chunk(choices: { writer in
            writer.raw(#"{"text":"#)
            writer.string(text)
            writer.raw(#","index":\#(index),"logprobs":"#)
            if logprobs { writer.legacyLogprobs(tokens, textOffset: textOffset) } else { writer.raw("null") }
            writer.raw(#","finish_reason":null}"#)
        }, usage: nil)
    }

    /// The last chunk of choice `index`: empty text and the finish reason.
    public func finishChunk(index: Int, reason: FinishReason) -> [UInt8] {
        chunk(choices: { writer in
            writer.raw(#"{"text":"","index":\#(index),"logprobs":null,"finish_reason":"\#(reason.rawValue)"}"#)
        }, usage: nil)
    }

    /// The chunk that follows every choice's finish chunk when `include_usage` is on.
    public func usageChunk(_ usage: GenerationUsage) -> [UInt8] {
        chunk(choices: { _ in }, usage: usage)
    }

    /// The chunk for one engine event of choice `index`; `textOffset` as for `textChunk`.
    public func chunk(for event: GenerationEvent, index: Int, textOffset: Int = 0) -> [UInt8] {
        switch event {
        case .text(let text, let tokens): textChunk(index: index, text: text, logprobs: tokens, textOffset: textOffset)
        case .finished(let reason, _): finishChunk(index: index, reason: reason)
        }
    }

    private func chunk(choices: (inout CompletionJSONWriter) -> Void, usage: GenerationUsage?) -> [UInt8] {
        var writer = CompletionJSONWriter()
        writer.raw(#"{"id":"#)
        writer.string(id)
        writer.raw(#","object":"text_completion","created":\#(created),"choices":["#)
        choices(&writer)
        writer.raw(#"],"model":"#)
        writer.string(model)
        writer.raw(#","system_fingerprint":"#)
        writer.stringOrNull(systemFingerprint)
        if let usage {
            writer.raw(#","usage":"#)
            writer.usage(usage)
        } else if includeUsage {
            writer.raw(#","usage":null"#)
        }
        writer.raw("}")
        return SSEFrame.data(writer.bytes)
    }
}
