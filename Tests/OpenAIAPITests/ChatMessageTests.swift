import Foundation
import GatewayCore
import Testing
@testable import OpenAIAPI

@Suite("Chat messages: roles, content parts and refusals")
struct ChatMessageTests {
    private func messages(_ json: String) throws -> [ChatMessage] {
        try decode(ChatCompletionRequest.self, Body.object([Body.model, #""messages":\#(json)"#])).messages
    }

    @Test("system, developer, user and assistant messages keep their order; developer becomes system")
    func roles() throws {
        let parsed = try messages(#"""
            [{"role":"system","content":"S"},{"role":"developer","content":"D"},
             {"role":"user","content":"U","name":"ann"},{"role":"assistant","content":"A","name":"bot"}]
            """#)
        #expect(parsed == [
            ChatMessage(role: .system, content: "S"), ChatMessage(role: .system, content: "D"),
            ChatMessage(role: .user, content: "U", name: "ann"),
            ChatMessage(role: .assistant, content: "A", name: "bot"),
        ])
    }

    @Test("text content parts are joined with nothing between them")
    func contentParts() throws {
        let parsed = try messages(#"""
            [{"role":"user","content":[{"type":"text","text":"Hello, "},{"type":"text","text":"wörld"},
              {"type":"text","text":""}]},
             {"role":"system","content":[{"type":"text","text":"Be brief."}]}]
            """#)
        #expect(parsed.map(\.content) == ["Hello, wörld", "Be brief."])
    }

    @Test("empty content and the neutral assistant fields are accepted")
    func neutralAssistantFields() throws {
        let parsed = try messages(#"""
            [{"role":"user","content":"","name":null},
             {"role":"assistant","content":"ok","tool_calls":[],"function_call":null,"refusal":null,"audio":null}]
            """#)
        #expect(parsed == [ChatMessage(role: .user, content: ""), ChatMessage(role: .assistant, content: "ok")])
    }

    @Test("bad messages are refused naming the message field", arguments: [
        Refusal(#"[5]"#, "messages[0]", "invalid_type"),
        Refusal(#"[{"content":"x"}]"#, "messages[0].role", "missing_required_parameter"),
        Refusal(#"[{"role":"tool","content":"x"}]"#, "messages[0].tool_call_id", "missing_required_parameter"),
        Refusal(#"[{"role":"tool","content":"x","tool_call_id":5}]"#, "messages[0].tool_call_id", "invalid_type"),
        Refusal(#"[{"role":"tool","content":"x","tool_call_id":"c","name":"f"}]"#, "messages[0].name"),
        Refusal(#"[{"role":"assistant","content":null,"tool_calls":{}}]"#, "messages[0].tool_calls", "invalid_type"),
        Refusal(#"[{"role":"assistant","content":null,"tool_calls":[{"type":"function","function":{"name":"f","#
                    + #""arguments":"{}"}}]}]"#, "messages[0].tool_calls[0].id", "missing_required_parameter"),
        Refusal(#"[{"role":"assistant","content":null,"tool_calls":[{"id":"c","type":"custom","function":{"#
                    + #""name":"f","arguments":"{}"}}]}]"#, "messages[0].tool_calls[0].type", "invalid_value"),
        Refusal(#"[{"role":"assistant","content":null,"tool_calls":[{"id":"c","type":"function","function":{"#
                    + #""name":"f"}}]}]"#, "messages[0].tool_calls[0].function.arguments", "missing_required_parameter"),
        Refusal(#"[{"role":"assistant","content":null,"tool_calls":[{"id":"c","type":"function","function":{"#
                    + #""name":"f","arguments":{}}}]}]"#, "messages[0].tool_calls[0].function.arguments", "invalid_type"),
        Refusal(#"[{"role":"assistant","content":null,"tool_calls":[{"id":"c","type":"function","x":1,"#
                    + #""function":{"name":"f","arguments":"{}"}}]}]"#, "messages[0].tool_calls[0].x"),
        Refusal(#"[{"role":"function","content":"x","name":"f"}]"#, "messages[0].role", "unsupported_value"),
        Refusal(#"[{"role":"robot","content":"x"}]"#, "messages[0].role", "invalid_value"),
        Refusal(#"[{"role":5,"content":"x"}]"#, "messages[0].role", "invalid_type"),
        Refusal(#"[{"role":"user"}]"#, "messages[0].content", "missing_required_parameter"),
        Refusal(#"[{"role":"user","content":null}]"#, "messages[0].content", "invalid_type"),
        Refusal(#"[{"role":"assistant","content":null}]"#, "messages[0].content", "invalid_type"),
        Refusal(#"[{"role":"user","content":5}]"#, "messages[0].content", "invalid_type"),
        Refusal(#"[{"role":"user","content":[]}]"#, "messages[0].content", "empty_array"),
        Refusal(#"[{"role":"user","content":[{"type":"image_url","image_url":{"url":"http://x/y.png"}}]}]"#,
                "messages[0].content[0].type", "unsupported_value"),
        Refusal(#"[{"role":"user","content":[{"type":"text","text":"a"},{"type":"input_audio","input_audio":{}}]}]"#,
                "messages[0].content[1].type", "unsupported_value"),
        Refusal(#"[{"role":"assistant","content":[{"type":"refusal","refusal":"no"}]}]"#,
                "messages[0].content[0].type", "unsupported_value"),
        Refusal(#"[{"role":"user","content":[{"type":"file","file":{}}]}]"#, "messages[0].content[0].type",
                "unsupported_value"),
        Refusal(#"[{"role":"user","content":["a"]}]"#, "messages[0].content[0]", "invalid_type"),
        Refusal(#"[{"role":"user","content":[{"text":"a"}]}]"#, "messages[0].content[0].type",
                "missing_required_parameter"),
        Refusal(#"[{"role":"user","content":[{"type":1,"text":"a"}]}]"#, "messages[0].content[0].type", "invalid_type"),
        Refusal(#"[{"role":"user","content":[{"type":"text"}]}]"#, "messages[0].content[0].text",
                "missing_required_parameter"),
        Refusal(#"[{"role":"user","content":[{"type":"text","text":5}]}]"#, "messages[0].content[0].text",
                "invalid_type"),
        Refusal(#"[{"role":"user","content":[{"type":"text","text":"a","cache_control":{}}]}]"#,
                "messages[0].content[0].cache_control"),
        Refusal(#"[{"role":"user","content":"q"},{"role":"assistant","content":"a","#
                    + #""function_call":{"name":"f","arguments":"{}"}}]"#,
                "messages[1].function_call", "unsupported_parameter"),
        Refusal(#"[{"role":"assistant","content":"a","audio":{"id":"x"}}]"#, "messages[0].audio",
                "unsupported_parameter"),
        Refusal(#"[{"role":"assistant","content":"a","refusal":"no"}]"#, "messages[0].refusal",
                "unsupported_parameter"),
        Refusal(#"[{"role":"user","content":"a","tool_calls":[]}]"#, "messages[0].tool_calls"),
        Refusal(#"[{"role":"user","content":"a","name":5}]"#, "messages[0].name", "invalid_type"),
        Refusal(#"[{"role":"user","content":"a","foo":1}]"#, "messages[0].foo"),
        Refusal(#"[{"role":"user","content":"a"},{"role":"user","content":[{"type":"text","text":"b"},"#
                    + #"{"type":"image_url"}]}]"#,
                "messages[1].content[1].type", "unsupported_value"),
    ])
    func refused(_ refusal: Refusal) {
        let body = Body.object([Body.model, #""messages":\#(refusal.body)"#])
        expectRefused(ChatCompletionRequest.self, Refusal(body, refusal.param, refusal.code))
    }
}
