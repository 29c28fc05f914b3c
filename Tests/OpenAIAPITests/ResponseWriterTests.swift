import Foundation
import GatewayCore
import Testing
@testable import OpenAIAPI

@Suite("Responses API writers: the Response object and the event stream")
struct ResponseWriterTests {
    static func template(settings: ResponseSettings = ResponseSettings()) -> ResponseObject {
        ResponseObject(id: "resp_1", createdAt: 1000, model: "m", settings: settings)
    }

    /// A writer whose item ids count up (`msg_0`, `fc_1`, …).
    static func writer(_ response: ResponseObject = template()) -> ResponseStreamWriter {
        let counter = LockedValue(0)
        return ResponseStreamWriter(response: response) { prefix in
            counter.withLock { value in
                defer { value += 1 }
                return "\(prefix)\(value)"
            }
        }
    }

    /// The events in `bytes`: each `event: <type>\ndata: <json>\n\n`, the type checked against the JSON's.
    static func events(_ bytes: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) throws
        -> [[String: Any]]
    {
        let text = bytes.text
        #expect(text.hasSuffix("\n\n"), sourceLocation: sourceLocation)
        return try text.components(separatedBy: "\n\n").filter { !$0.isEmpty }.map { frame in
            let lines = frame.components(separatedBy: "\n")
            #expect(lines.count == 2, "\(frame)", sourceLocation: sourceLocation)
            let type = String(lines[0].dropFirst("event: ".count))
            #expect(lines[0].hasPrefix("event: ") && lines[1].hasPrefix("data: "), sourceLocation: sourceLocation)
            let object = try #require(
                try JSONSerialization.jsonObject(with: Data(lines[1].dropFirst("data: ".count).utf8))
                    as? [String: Any], sourceLocation: sourceLocation)
            #expect(object["type"] as? String == type, sourceLocation: sourceLocation)
            return object
        }
    }

    @Test("the Response object has the fields the SDK reads, in OpenAI's shapes")
    func responseObject() throws {
        var settings = ResponseSettings(instructions: "Be brief.", maxOutputTokens: 40, temperature: 0.7,
                                        textFormat: .jsonSchema(name: "p", schema: #"{"type":"object"}"#,
                                                                strict: true, description: nil),
                                        metadata: ["k": "v"])
        settings.tools = [ResponseFunctionTool(definition: ToolDefinition(name: "f", description: "F"))]
        settings.toolChoice = .function("f")
        var response = Self.template(settings: settings)
        response.finish(output: [
            .message(id: "msg_1", text: "Hi \"there\"", status: .completed),
            .functionCall(id: "fc_1", callID: "call_1", name: "f", arguments: #"{"a":1}"#, status: .completed),
        ], usage: GenerationUsage(promptTokens: 10, completionTokens: 5, cachedTokens: 3), truncated: false, at: 1001)
        let object = try jsonObject(response.jsonBytes())
        #expect(object["id"] as? String == "resp_1" && object["object"] as? String == "response")
        #expect(object["status"] as? String == "completed" && object["completed_at"] as? Int == 1001)
        #expect(object["created_at"] as? Int == 1000 && object["model"] as? String == "m")
        #expect(object["error"] is NSNull && object["incomplete_details"] is NSNull)
        #expect(object["instructions"] as? String == "Be brief." && object["max_output_tokens"] as? Int == 40)
        #expect(object["temperature"] as? Double == 0.7 && object["top_p"] as? Double == 1)
        #expect(object["tool_choice"] as? [String: String] == ["type": "function", "name": "f"])
        #expect(object["metadata"] as? [String: String] == ["k": "v"])
        #expect(object["store"] as? Bool == true && object["parallel_tool_calls"] as? Bool == true)
        let tools = try #require(object["tools"] as? [[String: Any]])
        #expect(tools.count == 1 && tools[0]["name"] as? String == "f" && tools[0]["strict"] as? Bool == true)
        let text = try #require(object["text"] as? [String: Any])
        let format = try #require(text["format"] as? [String: Any])
        #expect(format["type"] as? String == "json_schema" && format["name"] as? String == "p")
        let usage = try #require(object["usage"] as? [String: Any])
        #expect(usage["input_tokens"] as? Int == 10 && usage["output_tokens"] as? Int == 5)
        #expect(usage["total_tokens"] as? Int == 15)
        #expect((usage["input_tokens_details"] as? [String: Int])?["cached_tokens"] == 3)
        #expect((usage["output_tokens_details"] as? [String: Int])?["reasoning_tokens"] == 0)
        let output = try #require(object["output"] as? [[String: Any]])
        #expect(output.count == 2)
        #expect(output[0]["type"] as? String == "message" && output[0]["role"] as? String == "assistant")
        let parts = try #require(output[0]["content"] as? [[String: Any]])
        #expect(parts.count == 1 && parts[0]["type"] as? String == "output_text")
        #expect(parts[0]["text"] as? String == "Hi \"there\"" && (parts[0]["annotations"] as? [Any])?.isEmpty == true)
        #expect(output[1]["type"] as? String == "function_call" && output[1]["call_id"] as? String == "call_1")
        #expect(output[1]["arguments"] as? String == #"{"a":1}"# && output[1]["status"] as? String == "completed")
    }

    @Test("a cut output is incomplete with reason max_output_tokens and no completed_at")
    func incomplete() throws {
        var response = Self.template()
        response.finish(output: ResponseOutputItem.items(text: "Once upon", calls: [], incomplete: true),
                        usage: GenerationUsage(promptTokens: 3, completionTokens: 2), truncated: true, at: 5)
        let object = try jsonObject(response.jsonBytes())
        #expect(object["status"] as? String == "incomplete" && object["completed_at"] is NSNull)
        #expect(object["incomplete_details"] as? [String: String] == ["reason": "max_output_tokens"])
        let output = try #require(object["output"] as? [[String: Any]])
        #expect(output[0]["status"] as? String == "incomplete")
    }

    @Test("non-streamed items: text first, then calls; an empty output is one empty message")
    func items() {
        let calls = [ToolCall(id: "call_1", name: "f", arguments: "{}")]
        let both = ResponseOutputItem.items(text: "x", calls: calls, incomplete: false)
        #expect(both.count == 2 && both[0].id.hasPrefix("msg_") && both[1].id.hasPrefix("fc_"))
        #expect(ResponseOutputItem.items(text: "", calls: calls, incomplete: false).count == 1)
        let empty = ResponseOutputItem.items(text: "", calls: [], incomplete: false)
        #expect(empty.count == 1)
        if case .message(_, let text, .completed) = empty[0] { #expect(text.isEmpty) } else { Issue.record("\(empty)") }
        #expect(ResponseOutputItem.message(of: both) == PromptMessage(role: .assistant, content: "x", toolCalls: calls))
    }

    @Test("a text stream: OpenAI's event order, sequence numbers from 0, deltas that join to the text")
    func textStream() throws {
        var writer = Self.writer()
        var bytes = writer.start()
        bytes += writer.apply([.text("Hel")])
        bytes += writer.text("lo")
        bytes += writer.text("")
        bytes += writer.closeOutput(truncated: false)
        let final = writer.finish(usage: GenerationUsage(promptTokens: 4, completionTokens: 2), truncated: false,
                                  at: 1002)
        bytes += writer.finalEvent()
        let events = try Self.events(bytes)
        #expect(events.map { $0["type"] as? String } == [
            "response.created", "response.in_progress", "response.output_item.added", "response.content_part.added",
            "response.output_text.delta", "response.output_text.delta", "response.output_text.done",
            "response.content_part.done", "response.output_item.done", "response.completed",
        ])
        #expect(events.map { $0["sequence_number"] as? Int } == Array(0..<10))
        let created = try #require(events[0]["response"] as? [String: Any])
        #expect(created["status"] as? String == "in_progress" && created["usage"] is NSNull)
        #expect((created["output"] as? [Any])?.isEmpty == true)
        let added = try #require(events[2]["item"] as? [String: Any])
        #expect(added["id"] as? String == "msg_0" && added["status"] as? String == "in_progress")
        #expect((added["content"] as? [Any])?.isEmpty == true)
        #expect(events[4]["delta"] as? String == "Hel" && events[4]["item_id"] as? String == "msg_0")
        #expect(events[4]["output_index"] as? Int == 0 && events[4]["content_index"] as? Int == 0)
        #expect(events[6]["text"] as? String == "Hello")
        #expect((events[7]["part"] as? [String: Any])?["text"] as? String == "Hello")
        let done = try #require(events[8]["item"] as? [String: Any])
        #expect(done["status"] as? String == "completed")
        let completed = try #require(events[9]["response"] as? [String: Any])
        #expect(completed["status"] as? String == "completed")
        #expect((completed["usage"] as? [String: Any])?["output_tokens"] as? Int == 2)
        #expect(final.status == .completed)
        #expect(final.output == [.message(id: "msg_0", text: "Hello", status: .completed)])
        #expect(try jsonObject(final.jsonBytes())["output"] as? NSArray == completed["output"] as? NSArray)
    }

    @Test("function calls: an item per call, argument deltas, done events with the whole arguments")
    func callStream() throws {
        var writer = Self.writer()
        var bytes = writer.start()
        bytes += writer.apply([.callStart(index: 0, id: "call_a", name: "f"), .arguments(index: 0, "{\"x\":")])
        bytes += writer.apply([.arguments(index: 0, "1}"), .callStart(index: 1, id: "call_b", name: "g")])
        bytes += writer.apply([.arguments(index: 1, "{}")])
        bytes += writer.closeOutput(truncated: false)
        _ = writer.finish(usage: GenerationUsage(promptTokens: 4, completionTokens: 9), truncated: false, at: 1)
        bytes += writer.finalEvent()
        let events = try Self.events(bytes)
        #expect(events.map { $0["type"] as? String } == [
            "response.created", "response.in_progress",
            "response.output_item.added", "response.function_call_arguments.delta",
            "response.function_call_arguments.delta", "response.function_call_arguments.done",
            "response.output_item.done",
            "response.output_item.added", "response.function_call_arguments.delta",
            "response.function_call_arguments.done", "response.output_item.done",
            "response.completed",
        ])
        let first = try #require(events[2]["item"] as? [String: Any])
        #expect(first["type"] as? String == "function_call" && first["call_id"] as? String == "call_a")
        #expect(first["arguments"] as? String == "" && first["status"] as? String == "in_progress")
        #expect(events[5]["arguments"] as? String == #"{"x":1}"# && events[5]["name"] as? String == "f")
        #expect(events[7]["output_index"] as? Int == 1)
        let done = try #require(events[10]["item"] as? [String: Any])
        #expect(done["call_id"] as? String == "call_b" && done["arguments"] as? String == "{}")
        #expect(writer.response.output.count == 2)
    }

    @Test("an empty output still has a message; a cut one ends with response.incomplete")
    func emptyAndTruncated() throws {
        var writer = Self.writer()
        var bytes = writer.start()
        bytes += writer.closeOutput(truncated: true)
        _ = writer.finish(usage: GenerationUsage(promptTokens: 1, completionTokens: 1), truncated: true, at: 1)
        bytes += writer.finalEvent()
        let events = try Self.events(bytes)
        #expect(events.map { $0["type"] as? String } == [
            "response.created", "response.in_progress", "response.output_item.added", "response.content_part.added",
            "response.output_text.done", "response.content_part.done", "response.output_item.done",
            "response.incomplete",
        ])
        #expect((events[6]["item"] as? [String: Any])?["status"] as? String == "incomplete")
        let response = try #require(events[7]["response"] as? [String: Any])
        #expect(response["incomplete_details"] as? [String: String] == ["reason": "max_output_tokens"])
    }

    @Test("a failure mid-stream closes the open item and ends with response.failed carrying the error")
    func failure() throws {
        var writer = Self.writer()
        var bytes = writer.start()
        bytes += writer.text("partial")
        bytes += writer.fail(code: "timeout", message: "too slow")
        let events = try Self.events(bytes)
        #expect(events.last?["type"] as? String == "response.failed")
        let response = try #require(events.last?["response"] as? [String: Any])
        #expect(response["status"] as? String == "failed")
        #expect(response["error"] as? [String: String] == ["code": "timeout", "message": "too slow"])
        #expect(events[events.count - 2]["type"] as? String == "response.output_item.done")
    }
}
