import GatewayCore

/// Writes the server-sent events of a streamed `POST /v1/responses`, each framed as `event: <type>` and
/// `data: <json>` with a `sequence_number` counting from 0, in OpenAI's order: `response.created`,
/// `response.in_progress`; per message `response.output_item.added`, `response.content_part.added`,
/// `response.output_text.delta`…, `response.output_text.done`, `response.content_part.done`,
/// `response.output_item.done`; per function call `response.output_item.added`,
/// `response.function_call_arguments.delta`…, `response.function_call_arguments.done`, `response.output_item.done`;
/// then `response.completed`, `response.incomplete` or `response.failed` with the whole response. No `[DONE]`.
/// A state machine: text and call events in, bytes out; the owner writes them.
public struct ResponseStreamWriter: Sendable {
    /// The response as it stands: `in_progress` with the output so far, then as it ended.
    public private(set) var response: ResponseObject
    private var sequence = 0
    /// The index in `response.output` of the item being written.
    private var open: Int?
    private let makeID: @Sendable (String) -> String

    /// - Parameter makeID: makes item ids from a prefix (`msg_`, `fc_`); random unless a test fixes them.
    public init(response: ResponseObject,
                makeID: @escaping @Sendable (String) -> String = { ResponseID.make(prefix: $0) }) {
        self.response = response
        self.makeID = makeID
    }

    /// `response.created` and `response.in_progress`.
    public mutating func start() -> [UInt8] {
        var bytes = responseEvent("response.created")
        bytes += responseEvent("response.in_progress")
        return bytes
    }

    /// The events for what the output parser found in the next piece of output.
    public mutating func apply(_ events: [ToolCallParser.Event]) -> [UInt8] {
        var bytes: [UInt8] = []
        for event in events {
            switch event {
            case .text(let piece): bytes += text(piece)
            case .callStart(_, let id, let name): bytes += callStart(callID: id, name: name)
            case .arguments(_, let fragment): bytes += arguments(fragment)
            }
        }
        return bytes
    }

    /// More text: opens a message item first when none is open (closing a call that is).
    public mutating func text(_ piece: String) -> [UInt8] {
        guard !piece.isEmpty else { return [] }
        var bytes: [UInt8] = []
        let index: Int
        if let open, case .message(let id, let text, let status) = response.output[open] {
            index = open
            response.output[index] = .message(id: id, text: text + piece, status: status)
        } else {
            bytes += closeItem(status: .completed)
            bytes += openMessage()
            index = response.output.count - 1
            if case .message(let id, _, let status) = response.output[index] {
                response.output[index] = .message(id: id, text: piece, status: status)
            }
        }
        let itemID = response.output[index].id
        bytes += event("response.output_text.delta") { writer in
            writer.raw(#","item_id":"#)
            writer.string(itemID)
            writer.raw(#","output_index":\#(index),"content_index":0,"delta":"#)
            writer.string(piece)
            writer.raw(#","logprobs":[]"#)
        }
        return bytes
    }

    /// A function call begins: closes the open item and adds a `function_call` item.
    public mutating func callStart(callID: String, name: String) -> [UInt8] {
        var bytes = closeItem(status: .completed)
        let item = ResponseOutputItem.functionCall(id: makeID("fc_"), callID: callID, name: name, arguments: "",
                                                   status: .inProgress)
        response.output.append(item)
        let index = response.output.count - 1
        open = index
        bytes += event("response.output_item.added") { writer in
            writer.raw(#","output_index":\#(index),"item":"#)
            item.write(into: &writer)
        }
        return bytes
    }

    /// More of the open call's arguments.
    public mutating func arguments(_ fragment: String) -> [UInt8] {
        guard !fragment.isEmpty, let index = open,
              case .functionCall(let id, let callID, let name, let arguments, let status) = response.output[index]
        else { return [] }
        response.output[index] = .functionCall(id: id, callID: callID, name: name, arguments: arguments + fragment,
                                               status: status)
        return event("response.function_call_arguments.delta") { writer in
            writer.raw(#","item_id":"#)
            writer.string(id)
            writer.raw(#","output_index":\#(index),"delta":"#)
            writer.string(fragment)
        }
    }

    /// The output is over: the open item is closed (`incomplete` when `truncated`); an output with no item gets an
    /// empty message, as OpenAI's always has one.
    public mutating func closeOutput(truncated: Bool) -> [UInt8] {
        var bytes: [UInt8] = []
        if response.output.isEmpty { bytes += openMessage() }
        bytes += closeItem(status: truncated ? .incomplete : .completed)
        return bytes
    }

    /// Sets the response's end (usage, status, time) and returns it, before its final event is written (the owner
    /// stores it in between, so that a client that reads the event can use the response at once).
    public mutating func finish(usage: GenerationUsage, truncated: Bool, at time: Int) -> ResponseObject {
        response.finish(output: response.output, usage: usage, truncated: truncated, at: time)
        return response
    }

    /// `response.completed` or `response.incomplete`, with the whole response.
    public mutating func finalEvent() -> [UInt8] {
        responseEvent(response.status == .incomplete ? "response.incomplete" : "response.completed")
    }

    /// The generation failed after the stream began: the open item is closed as `incomplete` and
    /// `response.failed` carries the response with its `error`.
    public mutating func fail(code: String, message: String) -> [UInt8] {
        var bytes = closeItem(status: .incomplete)
        response.status = .failed
        response.failure = ResponseObject.Failure(code: code, message: message)
        bytes += responseEvent("response.failed")
        return bytes
    }

    private mutating func openMessage() -> [UInt8] {
        let id = makeID("msg_")
        response.output.append(.message(id: id, text: "", status: .inProgress))
        let index = response.output.count - 1
        open = index
        var bytes = event("response.output_item.added") { writer in
            writer.raw(#","output_index":\#(index),"item":{"id":"#)
            writer.string(id)
            writer.raw(#","type":"message","status":"in_progress","content":[],"role":"assistant"}"#)
        }
        bytes += event("response.content_part.added") { writer in
            writer.raw(#","item_id":"#)
            writer.string(id)
            writer.raw(#","output_index":\#(index),"content_index":0,"part":"#)
            ResponseOutputItem.writeTextPart("", into: &writer)
        }
        return bytes
    }

    /// Closes the open item, if any, with its done events.
    private mutating func closeItem(status: ResponseOutputItem.Status) -> [UInt8] {
        guard let index = open else { return [] }
        open = nil
        let item = response.output[index].with(status: status)
        response.output[index] = item
        var bytes: [UInt8] = []
        switch item {
        case .message(let id, let text, _):
            bytes += event("response.output_text.done") { writer in
                writer.raw(#","item_id":"#)
                writer.string(id)
                writer.raw(#","output_index":\#(index),"content_index":0,"text":"#)
                writer.string(text)
                writer.raw(#","logprobs":[]"#)
            }
            bytes += event("response.content_part.done") { writer in
                writer.raw(#","item_id":"#)
                writer.string(id)
                writer.raw(#","output_index":\#(index),"content_index":0,"part":"#)
                ResponseOutputItem.writeTextPart(text, into: &writer)
            }
        case .functionCall(let id, _, let name, let arguments, _):
            bytes += event("response.function_call_arguments.done") { writer in
                writer.raw(#","item_id":"#)
                writer.string(id)
                writer.raw(#","output_index":\#(index),"name":"#)
                writer.string(name)
                writer.raw(#","arguments":"#)
                writer.string(arguments)
            }
        }
        bytes += event("response.output_item.done") { writer in
            writer.raw(#","output_index":\#(index),"item":"#)
            item.write(into: &writer)
        }
        return bytes
    }

    private mutating func responseEvent(_ type: String) -> [UInt8] {
        let response = self.response
        return event(type) { writer in
            writer.raw(#","response":"#)
            response.write(into: &writer)
        }
    }

    /// `event: <type>\ndata: {"type":<type>,"sequence_number":N<fields>}\n\n`; `fields` writes the rest of the
    /// object, each field after a comma.
    private mutating func event(_ type: String, fields: (inout CompletionJSONWriter) -> Void) -> [UInt8] {
        var writer = CompletionJSONWriter()
        writer.raw("event: \(type)\ndata: ")
        writer.raw(#"{"type":"\#(type)","sequence_number":\#(sequence)"#)
        fields(&writer)
        writer.raw("}\n\n")
        sequence += 1
        return writer.bytes
    }
}
