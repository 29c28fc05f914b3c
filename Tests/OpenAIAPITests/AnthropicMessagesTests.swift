import Foundation
import GatewayCore
import Testing
@testable import OpenAIAPI

@Suite("Anthropic Messages: request folding, refusals and the writer's shapes")
struct AnthropicMessagesTests {
    static func body(_ fields: String...) -> String {
        Body.object([Body.model, #""max_tokens":8"#, Body.hello] + fields)
    }

    @Test("system, text, tool_use and tool_result blocks fold into prompt messages in order")
    func folding() throws {
        let request = try decode(AnthropicMessagesRequest.self, #"""
            {"model":"m","max_tokens":8,"system":[{"type":"text","text":"Be brief."},{"type":"text","text":"Be kind."}],
             "messages":[{"role":"user","content":"Weather?"},
               {"role":"assistant","content":[{"type":"text","text":"Let me look."},
                 {"type":"tool_use","id":"toolu_1","name":"get_weather","input":{"city":"Oslo"}}]},
               {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":[{"type":"text","text":"4C"}]},
                 {"type":"tool_result","tool_use_id":"toolu_2","content":"down","is_error":true},
                 {"type":"text","text":"Thanks","cache_control":{"type":"ephemeral"}}]}]}
            """#)
        #expect(request.messages == [
            PromptMessage(role: .system, content: "Be brief.\nBe kind."),
            PromptMessage(role: .user, content: "Weather?"),
            PromptMessage(role: .assistant, content: "Let me look.", toolCalls: [
                ToolCall(id: "toolu_1", name: "get_weather", arguments: #"{"city":"Oslo"}"#),
            ]),
            PromptMessage(role: .tool, content: "4C", toolCallID: "toolu_1"),
            PromptMessage(role: .tool, content: "Error: down", toolCallID: "toolu_2"),
            PromptMessage(role: .user, content: "Thanks"),
        ])
        #expect(request.maxTokens == 8 && !request.stream && request.tools == nil)
    }

    @Test("tool_choice maps onto the gateway's choices; sampling fields reach the parameters")
    func toolsAndSampling() throws {
        let tool = #"{"name":"f","description":"d","input_schema":{"type":"object","properties":{"a":{"type":"integer"}}}}"#
        let any = try decode(AnthropicMessagesRequest.self, Self.body(
            #""tools":[\#(tool)]"#, #""tool_choice":{"type":"any","disable_parallel_tool_use":true}"#,
            #""temperature":0.5"#, #""top_k":3"#, #""stop_sequences":["END"]"#))
        #expect(any.tools?.choice == .required && any.tools?.parallel == false)
        #expect(any.tools?.tools.first?.parameters == #"{"properties":{"a":{"type":"integer"}},"type":"object"}"#)
        let parameters = any.generationParameters()
        #expect(parameters.temperature == 0.5 && parameters.topK == 3 && parameters.stop == ["END"])
        #expect(parameters.grammar == any.tools?.grammar() && parameters.grammar != nil)
        let named = try decode(AnthropicMessagesRequest.self, Self.body(
            #""tools":[\#(tool)]"#, #""tool_choice":{"type":"tool","name":"f"}"#))
        #expect(named.tools?.choice == .function("f"))
        let auto = try decode(AnthropicMessagesRequest.self, Self.body(#""tools":[\#(tool)]"#))
        #expect(auto.tools?.choice == .auto)
        let schema = try decode(AnthropicMessagesRequest.self, Self.body(
            #""output_config":{"format":{"type":"json_schema","schema":{"type":"object"}}}"#))
        #expect(schema.generationParameters().grammar == .jsonSchema(#"{"type":"object"}"#))
    }

    @Test("bad requests are refused naming the field", arguments: [
        Refusal(#"{"model":"m","messages":[{"role":"user","content":"hi"}]}"#, "max_tokens", "missing_required_parameter"),
        Refusal(Self.body(#""temperature":1.5"#), "temperature", "decimal_above_max_value"),
        Refusal(Self.body(#""top_k":0"#), "top_k", "integer_below_min_value"),
        Refusal(Self.body(#""stop_sequences":[""]"#), "stop_sequences", "invalid_value"),
        Refusal(Self.body(#""metadata":{"session":"x"}"#), "metadata.session"),
        Refusal(Self.body(#""thinking":{"type":"enabled","budget_tokens":1024}"#), "thinking", "unsupported_parameter"),
        Refusal(Self.body(#""service_tier":"priority""#), "service_tier", "unsupported_parameter"),
        Refusal(Self.body(#""speed":"fast""#), "speed", "unsupported_parameter"),
        Refusal(Self.body(#""cache_control":{"type":"persistent"}"#), "cache_control", "invalid_value"),
        Refusal(Self.body(#""output_config":{"effort":"max"}"#), "output_config.effort", "unsupported_parameter"),
        Refusal(Self.body(#""tools":[{"name":"f"}]"#), "tools.0.input_schema", "missing_required_parameter"),
        Refusal(Self.body(#""tools":[{"type":"bash_20250124","name":"bash"}]"#), "tools.0.type", "unsupported_value"),
        Refusal(Self.body(#""tools":[{"name":"a b","input_schema":{}}]"#), "tools.0.name", "invalid_value"),
        Refusal(Self.body(#""tool_choice":{"type":"any"}"#), "tool_choice", "invalid_value"),
        Refusal(Self.body(#""tools":[{"name":"f","input_schema":{}}]"#, #""tool_choice":{"type":"tool","name":"g"}"#),
                "tool_choice.name", "invalid_value"),
        Refusal(Self.body(#""tools":[{"name":"f","input_schema":{}}]"#, #""tool_choice":{"type":"some"}"#),
                "tool_choice.type", "invalid_value"),
        Refusal(Self.body(#""tools":[{"name":"f","input_schema":{}}]"#, #""tool_choice":{"type":"any"}"#,
                          #""output_config":{"format":{"type":"json_schema","schema":{}}}"#), "output_config",
                "invalid_value"),
        Refusal(#"{"model":"m","max_tokens":8,"messages":[]}"#, "messages", "empty_array"),
        Refusal(#"{"model":"m","max_tokens":8,"messages":[{"role":"system","content":"x"}]}"#, "messages.0.role",
                "invalid_value"),
        Refusal(#"{"model":"m","max_tokens":8,"messages":[{"role":"user","content":"x"},{"role":"assistant","content":"Sure"}]}"#,
                "messages", "invalid_value"),
        Refusal(#"{"model":"m","max_tokens":8,"messages":[{"role":"user","content":[{"type":"image","source":{}}]}]}"#,
                "messages.0.content.0.type", "unsupported_value"),
        Refusal(#"{"model":"m","max_tokens":8,"messages":[{"role":"user","content":[{"type":"tool_use","id":"t","name":"f","input":{}}]}]}"#,
                "messages.0.content.0.type", "unsupported_value"),
        Refusal(#"{"model":"m","max_tokens":8,"messages":[{"role":"assistant","content":[{"type":"tool_use","id":"t","name":"f","input":[]}]},{"role":"user","content":"x"}]}"#,
                "messages.0.content.0.input", "invalid_type"),
        Refusal(#"{"model":"m","max_tokens":8,"messages":[{"role":"user","content":[{"type":"text","text":"a","citations":[{}]}]}]}"#,
                "messages.0.content.0.citations", "unsupported_parameter"),
        Refusal(#"{"model":"m","max_tokens":8,"messages":[{"role":"user","content":"x","name":"ann"}]}"#, "messages.0.name"),
    ])
    func refused(_ refusal: Refusal) {
        expectRefused(AnthropicMessagesRequest.self, refusal)
    }

    @Test("count_tokens takes the conversation and tools, and refuses max_tokens")
    func countTokens() throws {
        let request = try decode(AnthropicCountTokensRequest.self, #"{"model":"m","messages":[{"role":"user","content":"hi"}]}"#)
        #expect(request.request.messages == [PromptMessage(role: .user, content: "hi")])
        expectRefused(AnthropicCountTokensRequest.self, Refusal(Self.body(), "max_tokens"))
    }

    @Test("the message and stream frames are Anthropic's shapes; usage splits the cached prompt tokens out")
    func writer() throws {
        let writer = AnthropicMessageWriter(id: "msg_1", model: "m")
        let bytes = writer.message(
            content: [.text("Hi"), .toolUse(id: "toolu_1", name: "f", input: #"{"a":1}"#),
                      .toolUse(id: "toolu_2", name: "f", input: #"{"a":"#)],
            stopReason: "tool_use", stopSequence: nil,
            usage: GenerationUsage(promptTokens: 10, completionTokens: 4, cachedTokens: 6))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
        #expect(object["type"] as? String == "message" && object["stop_reason"] as? String == "tool_use")
        #expect(object["stop_sequence"] is NSNull)
        let content = try #require(object["content"] as? [[String: Any]])
        #expect(content[0]["text"] as? String == "Hi")
        #expect((content[1]["input"] as? [String: Any])?["a"] as? Int == 1)
        #expect((content[2]["input"] as? [String: Any])?.isEmpty == true, "a call cut short has an empty input")
        let usage = try #require(object["usage"] as? [String: Int])
        #expect(usage == ["input_tokens": 4, "cache_read_input_tokens": 6, "cache_creation_input_tokens": 0,
                          "output_tokens": 4])
        #expect(writer.textDelta(index: 2, text: "a\"b").text
            == "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":2,\"delta\":{\"type\":\"text_delta\",\"text\":\"a\\\"b\"}}\n\n")
        #expect(writer.messageEnd(stopReason: "stop_sequence", stopSequence: "END",
                                  usage: GenerationUsage(promptTokens: 3, completionTokens: 2)).text.hasSuffix(
            "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n"))
        #expect(AnthropicMessageWriter.stopReason(.stop, stopSequence: nil) == "end_turn")
        #expect(AnthropicMessageWriter.stopReason(.stop, stopSequence: "x") == "stop_sequence")
        #expect(AnthropicMessageWriter.stopReason(.length, stopSequence: nil) == "max_tokens")
        #expect(AnthropicMessageWriter.stopReason(.toolCalls, stopSequence: nil) == "tool_use")
        #expect(AnthropicMessageWriter.errorType(.rateLimited) == "rate_limit_error")
    }
}
