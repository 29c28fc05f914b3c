import GatewayCore

/// One item of a Response's `output`: an assistant message with one `output_text` part, or a function call.
public enum ResponseOutputItem: Sendable, Equatable {
    /// Whether an item is being written, was finished, or was cut short (`max_output_tokens`).
    public enum Status: String, Sendable {
        case inProgress = "in_progress"
        case completed
        case incomplete
    }

    /// `{type: "message", id: "msg_…", status, role: "assistant", content: [{type: "output_text", text}]}`.
    case message(id: String, text: String, status: Status)
    /// `{type: "function_call", id: "fc_…", call_id: "call_…", name, arguments, status}`.
    case functionCall(id: String, callID: String, name: String, arguments: String, status: Status)

    public var id: String {
        switch self {
        case .message(let id, _, _), .functionCall(let id, _, _, _, _): id
        }
    }

    public var status: Status {
        switch self {
        case .message(_, _, let status), .functionCall(_, _, _, _, let status): status
        }
    }

    /// The item with another status.
    public func with(status: Status) -> ResponseOutputItem {
        switch self {
        case .message(let id, let text, _): .message(id: id, text: text, status: status)
        case .functionCall(let id, let callID, let name, let arguments, _):
            .functionCall(id: id, callID: callID, name: name, arguments: arguments, status: status)
        }
    }

    /// The items of an output that is not streamed: its text as one message (also when there is nothing at all),
    /// then its calls; with `incomplete` the last item is marked so.
    public static func items(text: String, calls: [ToolCall], incomplete: Bool) -> [ResponseOutputItem] {
        var items: [ResponseOutputItem] = []
        if !text.isEmpty || calls.isEmpty {
            items.append(.message(id: ResponseID.make(prefix: "msg_"), text: text, status: .completed))
        }
        for call in calls {
            items.append(.functionCall(id: ResponseID.make(prefix: "fc_"), callID: call.id, name: call.name,
                                       arguments: call.arguments, status: .completed))
        }
        if incomplete, let last = items.indices.last { items[last] = items[last].with(status: .incomplete) }
        return items
    }

    /// The assistant turn these items stand for, for the conversation kept with a stored response.
    public static func message(of items: [ResponseOutputItem]) -> PromptMessage {
        var message = PromptMessage(role: .assistant, content: "")
        for item in items {
            switch item {
            case .message(_, let text, _): message.content += text
            case .functionCall(_, let callID, let name, let arguments, _):
                message.toolCalls.append(ToolCall(id: callID, name: name, arguments: arguments))
            }
        }
        return message
    }

    /// The item's JSON.
    func write(into writer: inout CompletionJSONWriter) {
        switch self {
        case .message(let id, let text, let status):
            writer.raw(#"{"id":"#)
            writer.string(id)
            writer.raw(#","type":"message","status":"\#(status.rawValue)","content":["#)
            Self.writeTextPart(text, into: &writer)
            writer.raw(#"],"role":"assistant"}"#)
        case .functionCall(let id, let callID, let name, let arguments, let status):
            writer.raw(#"{"id":"#)
            writer.string(id)
            writer.raw(#","type":"function_call","status":"\#(status.rawValue)","arguments":"#)
            writer.string(arguments)
            writer.raw(#","call_id":"#)
            writer.string(callID)
            writer.raw(#","name":"#)
            writer.string(name)
            writer.raw("}")
        }
    }

    /// `{"type":"output_text","annotations":[],"logprobs":[],"text":…}`.
    static func writeTextPart(_ text: String, into writer: inout CompletionJSONWriter) {
        writer.raw(#"{"type":"output_text","annotations":[],"logprobs":[],"text":"#)
        writer.string(text)
        writer.raw("}")
    }
}
