import Foundation
import GatewayCore
import Testing
@testable import OpenAIAPI

@Suite("Chat tools: tools, tool_choice, parallel_tool_calls, tool messages")
struct ChatToolsTests {
    static let weather = #"{"type":"function","function":{"name":"get_weather","description":"Weather","#
        + #""parameters":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]},"strict":true}}"#
    static let time = #"{"type":"function","function":{"name":"get_time"}}"#

    @Test("tools with each tool_choice become a ToolUse and, unless none, a grammar")
    func choices() throws {
        let auto = try decode(ChatCompletionRequest.self, Body.chat(#""tools":[\#(Self.weather),\#(Self.time)]"#))
        let tools = try #require(auto.tools)
        #expect(tools.choice == .auto && tools.parallel)
        #expect(tools.tools.map(\.name) == ["get_weather", "get_time"])
        #expect(tools.tools[0].description == "Weather")
        #expect(tools.tools[0].parameters == #"{"properties":{"city":{"type":"string"}},"required":["city"],"type":"object"}"#)
        #expect(tools.tools[1].parameters == #"{"properties":{},"type":"object"}"#)
        #expect(auto.generationParameters().grammar == tools.grammar())
        #expect(auto.grammarParam == "tools")
        let required = try decode(ChatCompletionRequest.self, Body.chat(
            #""tools":[\#(Self.weather)]"#, #""tool_choice":"required""#, #""parallel_tool_calls":false"#))
        #expect(required.tools?.choice == .required && required.tools?.parallel == false)
        let named = try decode(ChatCompletionRequest.self, Body.chat(
            #""tools":[\#(Self.weather),\#(Self.time)]"#, #""tool_choice":{"type":"function","function":{"name":"get_time"}}"#))
        #expect(named.tools?.choice == .function("get_time"))
        // Stop strings are checked against the call markup once the serving model (and its format) is known.
        _ = try decode(ChatCompletionRequest.self, Body.chat(#""tools":[\#(Self.weather)]"#, #""stop":["END"]"#))
        _ = try decode(ChatCompletionRequest.self, Body.chat(#""tools":[\#(Self.weather)]"#, #""tool_choice":"none""#,
                                                             #""stop":["\n"]"#))
        let none = try decode(ChatCompletionRequest.self, Body.chat(#""tools":[\#(Self.weather)]"#, #""tool_choice":"none""#))
        #expect(none.tools?.choice == ToolChoice.none && none.grammar == nil)
        // With calls off, a response format may be asked for beside the tools.
        let formatted = try decode(ChatCompletionRequest.self, Body.chat(
            #""tools":[\#(Self.weather)]"#, #""tool_choice":"none""#, #""response_format":{"type":"json_object"}"#))
        #expect(formatted.grammar == .jsonObject)
    }

    @Test("a conversation with calls and results parses into tool calls and tool messages")
    func conversation() throws {
        let request = try decode(ChatCompletionRequest.self, Body.object([Body.model, #"""
            "messages":[{"role":"user","content":"Paris?"},
              {"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function",
                "function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}}]},
              {"role":"tool","tool_call_id":"call_1","content":[{"type":"text","text":"18C"}]}]
            """#]))
        #expect(request.messages == [
            ChatMessage(role: .user, content: "Paris?"),
            ChatMessage(role: .assistant, content: "", toolCalls: [
                ToolCall(id: "call_1", name: "get_weather", arguments: #"{"city":"Paris"}"#),
            ]),
            ChatMessage(role: .tool, content: "18C", toolCallID: "call_1"),
        ])
    }

    @Test("bad tools and choices are refused naming the field", arguments: [
        Refusal(Body.chat(#""tools":{}"#), "tools", "invalid_type"),
        Refusal(Body.chat(#""tools":[5]"#), "tools[0]", "invalid_type"),
        Refusal(Body.chat(#""tools":[{"function":{"name":"f"}}]"#), "tools[0].type", "missing_required_parameter"),
        Refusal(Body.chat(#""tools":[{"type":"custom","custom":{"name":"f"}}]"#), "tools[0].custom"),
        Refusal(Body.chat(#""tools":[{"type":"web_search"}]"#), "tools[0].type", "invalid_value"),
        Refusal(Body.chat(#""tools":[{"type":"function"}]"#), "tools[0].function", "missing_required_parameter"),
        Refusal(Body.chat(#""tools":[{"type":"function","function":{}}]"#), "tools[0].function.name",
                "missing_required_parameter"),
        Refusal(Body.chat(#""tools":[{"type":"function","function":{"name":"a b"}}]"#), "tools[0].function.name",
                "invalid_value"),
        Refusal(Body.chat(#""tools":[{"type":"function","function":{"name":"\#(String(repeating: "x", count: 65))"}}]"#),
                "tools[0].function.name", "invalid_value"),
        Refusal(Body.chat(#""tools":[{"type":"function","function":{"name":"f","parameters":[]}}]"#),
                "tools[0].function.parameters", "invalid_type"),
        Refusal(Body.chat(#""tools":[{"type":"function","function":{"name":"f","strict":"yes"}}]"#),
                "tools[0].function.strict", "invalid_type"),
        Refusal(Body.chat(#""tools":[{"type":"function","function":{"name":"f","description":1}}]"#),
                "tools[0].function.description", "invalid_type"),
        Refusal(Body.chat(#""tools":[{"type":"function","function":{"name":"f","extra":1}}]"#),
                "tools[0].function.extra"),
        Refusal(Body.chat(#""tools":[{"type":"function","function":{"name":"f"}},{"type":"function","function":{"name":"f"}}]"#),
                "tools[1].function.name", "invalid_value"),
        Refusal(Body.chat(#""tool_choice":"auto""#), "tool_choice", "invalid_value"),
        Refusal(Body.chat(#""tool_choice":"required""#), "tool_choice", "invalid_value"),
        Refusal(Body.chat(#""tools":[{"type":"function","function":{"name":"f"}}]"#, #""tool_choice":"always""#),
                "tool_choice", "invalid_value"),
        Refusal(Body.chat(#""tools":[{"type":"function","function":{"name":"f"}}]"#, #""tool_choice":5"#),
                "tool_choice", "invalid_type"),
        Refusal(Body.chat(#""tools":[{"type":"function","function":{"name":"f"}}]"#,
                          #""tool_choice":{"type":"function","function":{"name":"g"}}"#), "tool_choice", "invalid_value"),
        Refusal(Body.chat(#""tools":[{"type":"function","function":{"name":"f"}}]"#,
                          #""tool_choice":{"type":"function"}"#), "tool_choice.function.name",
                "missing_required_parameter"),
        Refusal(Body.chat(#""tools":[{"type":"function","function":{"name":"f"}}]"#,
                          #""tool_choice":{"type":"allowed_tools","function":{"name":"f"}}"#), "tool_choice.type",
                "unsupported_value"),
        Refusal(Body.chat(#""tools":[{"type":"function","function":{"name":"f"}}]"#,
                          #""tool_choice":{"type":"function","name":"f"}"#), "tool_choice.name"),
        Refusal(Body.chat(#""tools":[{"type":"function","function":{"name":"f"}}]"#,
                          #""tool_choice":{"type":"function","function":"f"}"#), "tool_choice.function",
                "invalid_type"),
        Refusal(Body.chat(#""tools":[{"type":"function","function":{"name":"f"}}]"#, #""parallel_tool_calls":1"#),
                "parallel_tool_calls", "invalid_type"),
        Refusal(Body.chat(#""tools":[{"type":"function","function":{"name":"f"}}]"#,
                          #""response_format":{"type":"json_object"}"#), "response_format", "invalid_value"),
    ])
    func refused(_ refusal: Refusal) {
        expectRefused(ChatCompletionRequest.self, refusal)
    }

    @Test("a response with calls writes content null and OpenAI's tool_calls array")
    func responseShape() throws {
        let response = ChatCompletionResponse(
            id: "chatcmpl-1", created: 1, model: "m",
            choices: [.init(content: "", finishReason: .toolCalls, toolCalls: [
                ToolCall(id: "call_a", name: "f", arguments: #"{"x":"\"q\""}"#),
            ])],
            usage: GenerationUsage(promptTokens: 3, completionTokens: 4))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(response.jsonBytes())) as? [String: Any])
        let choice = try #require((object["choices"] as? [[String: Any]])?.first)
        #expect(choice["finish_reason"] as? String == "tool_calls")
        let message = try #require(choice["message"] as? [String: Any])
        #expect(message["content"] is NSNull)
        let calls = try #require(message["tool_calls"] as? [[String: Any]])
        #expect(calls.count == 1 && calls[0]["id"] as? String == "call_a" && calls[0]["type"] as? String == "function")
        let function = try #require(calls[0]["function"] as? [String: Any])
        #expect(function["name"] as? String == "f" && function["arguments"] as? String == #"{"x":"\"q\""}"#)
        let writer = ChatCompletionChunkWriter(id: "c", created: 1, model: "m", includeUsage: false, logprobs: false)
        let start = String(decoding: writer.toolCallStartChunk(index: 0, call: 1, id: "call_b", name: "g"), as: UTF8.self)
        #expect(start.contains(#""delta":{"tool_calls":[{"index":1,"id":"call_b","type":"function","function":{"name":"g","arguments":""}}]}"#))
        let more = String(decoding: writer.toolCallArgumentsChunk(index: 0, call: 1, arguments: "{\""), as: UTF8.self)
        #expect(more.contains(#""delta":{"tool_calls":[{"index":1,"function":{"arguments":"{\""}}]}"#))
    }
}
