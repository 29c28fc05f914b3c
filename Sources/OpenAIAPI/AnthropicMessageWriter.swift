import Foundation
import GatewayCore

/// Writes Anthropic's Messages API answers straight to JSON bytes in Anthropic's field order: the `message` object
/// of a non-streamed response, and the events of a stream (`message_start`, `content_block_start`,
/// `content_block_delta` with `text_delta` or `input_json_delta`, `content_block_stop`, `message_delta`,
/// `message_stop`, `ping`, `error`), each framed as `event: <type>\ndata: <json>\n\n`. Pure: same inputs, same bytes.
public struct AnthropicMessageWriter: Sendable {
    /// One block of a message's content.
    public enum Block: Sendable, Equatable {
        case text(String)
        /// A call: its id, the tool's name and its input as JSON text (an object).
        case toolUse(id: String, name: String, input: String)
    }

    public var id: String
    public var model: String

    public init(id: String, model: String) {
        self.id = id
        self.model = model
    }

    /// A fresh `msg_…` id.
    public static func makeID() -> String { "msg_" + ToolCallParser.randomID() }

    /// Anthropic's `stop_reason` for how a generation ended.
    public static func stopReason(_ reason: FinishReason, stopSequence: String?) -> String {
        switch reason {
        case .length: "max_tokens"
        case .toolCalls: "tool_use"
        case .stop: stopSequence == nil ? "end_turn" : "stop_sequence"
        }
    }

    /// The non-streamed response. `usage.input_tokens` counts the prompt tokens that were not read from the prefix
    /// cache; those are `cache_read_input_tokens`, as Anthropic counts.
    public func message(content: [Block], stopReason: String, stopSequence: String?, usage: GenerationUsage)
        -> [UInt8]
    {
        var writer = CompletionJSONWriter(capacity: 256)
        writer.raw(#"{"id":"#)
        writer.string(id)
        writer.raw(#","type":"message","role":"assistant","model":"#)
        writer.string(model)
        writer.raw(#","content":["#)
        for (index, block) in content.enumerated() {
            if index > 0 { writer.raw(",") }
            switch block {
            case .text(let text):
                writer.raw(#"{"type":"text","text":"#)
                writer.string(text)
                writer.raw("}")
            case .toolUse(let id, let name, let input):
                writer.raw(#"{"type":"tool_use","id":"#)
                writer.string(id)
                writer.raw(#","name":"#)
                writer.string(name)
                writer.raw(#","input":"#)
                writer.raw(Self.jsonObject(input))
                writer.raw("}")
            }
        }
        writer.raw("],")
        Self.ending(&writer, stopReason: stopReason, stopSequence: stopSequence, usage: usage, closing: ",")
        return writer.bytes
    }

    /// `"stop_reason":…,"stop_sequence":…` then `usage`, with `closing` between them (`,` in a message, `},` in a
    /// `message_delta`, whose stop fields sit in `delta`).
    private static func ending(_ writer: inout CompletionJSONWriter, stopReason: String, stopSequence: String?,
                               usage: GenerationUsage, closing: String) {
        writer.raw(#""stop_reason":"#)
        writer.string(stopReason)
        writer.raw(#","stop_sequence":"#)
        writer.stringOrNull(stopSequence)
        writer.raw(closing + #""usage":"#)
        Self.usage(&writer, input: usage.promptTokens, cached: usage.cachedTokens, output: usage.completionTokens)
        writer.raw("}")
    }

    /// `message_start`: the message with no content yet.
    public func messageStart(promptTokens: Int, cachedTokens: Int) -> [UInt8] {
        var writer = CompletionJSONWriter()
        writer.raw(#"{"type":"message_start","message":{"id":"#)
        writer.string(id)
        writer.raw(#","type":"message","role":"assistant","model":"#)
        writer.string(model)
        writer.raw(#","content":[],"stop_reason":null,"stop_sequence":null,"usage":"#)
        Self.usage(&writer, input: promptTokens, cached: cachedTokens, output: 0)
        writer.raw("}}")
        return Self.frame("message_start", writer.bytes)
    }

    public func textBlockStart(index: Int) -> [UInt8] {
        Self.frame("content_block_start",
                   #"{"type":"content_block_start","index":\#(index),"content_block":{"type":"text","text":""}}"#)
    }

    public func textDelta(index: Int, text: String) -> [UInt8] {
        var writer = CompletionJSONWriter()
        writer.raw(#"{"type":"content_block_delta","index":\#(index),"delta":{"type":"text_delta","text":"#)
        writer.string(text)
        writer.raw("}}")
        return Self.frame("content_block_delta", writer.bytes)
    }

    public func toolUseBlockStart(index: Int, id: String, name: String) -> [UInt8] {
        var writer = CompletionJSONWriter()
        writer.raw(#"{"type":"content_block_start","index":\#(index),"content_block":{"type":"tool_use","id":"#)
        writer.string(id)
        writer.raw(#","name":"#)
        writer.string(name)
        writer.raw(#","input":{}}}"#)
        return Self.frame("content_block_start", writer.bytes)
    }

    public func inputJSONDelta(index: Int, partial: String) -> [UInt8] {
        var writer = CompletionJSONWriter()
        writer.raw(#"{"type":"content_block_delta","index":\#(index),"delta":{"type":"input_json_delta","partial_json":"#)
        writer.string(partial)
        writer.raw("}}")
        return Self.frame("content_block_delta", writer.bytes)
    }

    public func blockStop(index: Int) -> [UInt8] {
        Self.frame("content_block_stop", #"{"type":"content_block_stop","index":\#(index)}"#)
    }

    /// `message_delta` (the stop reason and the final usage, with the prompt tokens read from the prefix cache, known
    /// only now) followed by `message_stop`.
    public func messageEnd(stopReason: String, stopSequence: String?, usage: GenerationUsage) -> [UInt8] {
        var writer = CompletionJSONWriter()
        writer.raw(#"{"type":"message_delta","delta":{"#)
        Self.ending(&writer, stopReason: stopReason, stopSequence: stopSequence, usage: usage, closing: "},")
        return Self.frame("message_delta", writer.bytes) + Self.frame("message_stop", #"{"type":"message_stop"}"#)
    }

    public static let ping = frame("ping", #"{"type":"ping"}"#)

    /// Anthropic's error body: `{"type":"error","error":{"type":…,"message":…}}`.
    public static func errorBody(type: String, message: String) -> [UInt8] {
        var writer = CompletionJSONWriter()
        writer.raw(#"{"type":"error","error":{"type":"#)
        writer.string(type)
        writer.raw(#","message":"#)
        writer.string(message)
        writer.raw("}}")
        return writer.bytes
    }

    /// An `error` event in a stream.
    public static func errorEvent(type: String, message: String) -> [UInt8] {
        frame("error", errorBody(type: type, message: message))
    }

    /// Anthropic's error type for an error kind.
    public static func errorType(_ kind: APIError.Kind) -> String {
        switch kind {
        case .authentication: "authentication_error"
        case .notFound: "not_found_error"
        case .payloadTooLarge: "request_too_large"
        case .rateLimited: "rate_limit_error"
        case .unavailable: "overloaded_error"
        case .timeout: "timeout_error"
        case .internal, .badGateway, .insufficientStorage: "api_error"
        case .invalidRequest, .conflict, .methodNotAllowed, .unsupportedMediaType: "invalid_request_error"
        }
    }

    /// `{"input_tokens":…,"cache_creation_input_tokens":0,"cache_read_input_tokens":…,"output_tokens":…}`.
    private static func usage(_ writer: inout CompletionJSONWriter, input: Int, cached: Int, output: Int) {
        let cachedTokens = min(max(0, cached), input)
        writer.raw(#"{"input_tokens":\#(input - cachedTokens),"cache_creation_input_tokens":0,"#)
        writer.raw(#""cache_read_input_tokens":\#(cachedTokens),"output_tokens":\#(output)}"#)
    }

    /// A call's input as a JSON object: the arguments when they are one, else `{}` (a call cut short).
    static func jsonObject(_ text: String) -> String {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard trimmed.hasPrefix("{"), trimmed.hasSuffix("}"),
              (try? JSONSerialization.jsonObject(with: Data(trimmed.utf8))) is [String: Any]
        else { return "{}" }
        return trimmed
    }

    private static func frame(_ event: String, _ json: String) -> [UInt8] {
        frame(event, Array(json.utf8))
    }

    private static func frame(_ event: String, _ json: [UInt8]) -> [UInt8] {
        Array("event: \(event)\ndata: ".utf8) + json + Array("\n\n".utf8)
    }
}
