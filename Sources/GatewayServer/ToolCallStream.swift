import Foundation
import GatewayCore
import OpenAIAPI

/// The function calls in each choice of one request: every text piece the engine streams goes through the choice's
/// `ToolCallParser`, which splits the calls out. Log-probabilities of text still held back are attached to the text
/// when it is released (and dropped when it turns out to be a call).
final class ToolCallStream: @unchecked Sendable {
    private let lock = NSLock()
    private var parsers: [ToolCallParser]
    private var held: [[TokenLogprobs]]

    init(tools: ToolUse, count: Int, idPrefix: String = "call_") {
        let parser = ToolCallParser(format: tools.format, allowsText: tools.choice == .auto, idPrefix: idPrefix)
        parsers = Array(repeating: parser, count: count)
        held = Array(repeating: [], count: count)
    }

    /// What one engine event of choice `index` becomes: parser events (with the logprobs they release) and, for
    /// `finished`, the reason to report: `tool_calls` when the turn ended normally after calls.
    func events(for event: GenerationEvent, index: Int)
        -> (events: [ToolCallParser.Event], logprobs: [TokenLogprobs], finish: FinishReason?)
    {
        lock.lock()
        defer { lock.unlock() }
        guard parsers.indices.contains(index) else { return ([], [], nil) }
        switch event {
        case .text(let text, let logprobs):
            held[index] += logprobs
            let events = parsers[index].feed(text)
            return (events, release(index, events), nil)
        case .finished(let reason, _):
            let events = parsers[index].finish()
            return (events, release(index, events), parsers[index].finishReason(for: reason))
        }
    }

    private func release(_ index: Int, _ events: [ToolCallParser.Event]) -> [TokenLogprobs] {
        if parsers[index].hasCalls {
            held[index] = []
            return []
        }
        guard events.contains(where: { if case .text = $0 { true } else { false } }) else { return [] }
        defer { held[index] = [] }
        return held[index]
    }

    /// The log-probabilities of a choice's text part when it has calls: the tokens that make up `content` (the
    /// text before the first call), none of the call markup, as the stream reports them.
    static func contentLogprobs(_ tokens: [TokenLogprobs], content: String) -> [TokenLogprobs] {
        var left = content.utf8.count
        var kept: [TokenLogprobs] = []
        for token in tokens {
            let size = token.chosen.bytes.count
            guard left > 0, size <= left else { break }
            kept.append(token)
            left -= size
        }
        return kept
    }

    /// A whole output split into text and calls, for a response that is not streamed.
    static func split(_ text: String, reason: FinishReason, tools: ToolUse, idPrefix: String = "call_")
        -> (text: String, calls: [ToolCall], finish: FinishReason)
    {
        var parser = ToolCallParser(format: tools.format, allowsText: tools.choice == .auto, idPrefix: idPrefix)
        _ = parser.feed(text)
        _ = parser.finish()
        return (parser.text, parser.calls, parser.finishReason(for: reason))
    }

    /// The chat chunks for one engine event of choice `index`.
    func chatChunks(for event: GenerationEvent, index: Int, writer: ChatCompletionChunkWriter) -> [UInt8] {
        let (events, logprobs, finish) = events(for: event, index: index)
        var bytes: [UInt8] = []
        var logprobsLeft = logprobs
        for item in events {
            switch item {
            case .text(let text):
                bytes += writer.contentChunk(index: index, content: text, logprobs: logprobsLeft)
                logprobsLeft = []
            case .callStart(let call, let id, let name):
                bytes += writer.toolCallStartChunk(index: index, call: call, id: id, name: name)
            case .arguments(let call, let fragment):
                bytes += writer.toolCallArgumentsChunk(index: index, call: call, arguments: fragment)
            }
        }
        if let finish { bytes += writer.finishChunk(index: index, reason: finish) }
        return bytes
    }
}
