import Foundation
import GatewayCore
import Testing
@testable import OpenAIAPI

@Suite("Responses API request: input items, tools, text format, storage fields and refusals")
struct ResponsesRequestTests {
    static let model = #""model":"m""#
    static let hello = #""input":"hi""#
    static let weather = #"{"type":"function","name":"get_weather","description":"Weather","#
        + #""parameters":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}"#

    static func body(_ fields: String...) -> String { Body.object([model] + fields) }
    static func plain(_ fields: String...) -> String { Body.object([model, hello] + fields) }

    @Test("a string input is one user message; the defaults are OpenAI's")
    func defaults() throws {
        let request = try decode(ResponsesRequest.self, Self.plain())
        #expect(request.model == "m")
        #expect(request.input == [PromptMessage(role: .user, content: "hi")])
        #expect(request.store && !request.stream && request.parallelToolCalls)
        #expect(request.tools == nil && request.toolChoice == .auto && request.textFormat == .text)
        #expect(request.instructions == nil && request.previousResponseID == nil && request.metadata.isEmpty)
        let parameters = request.generationParameters()
        #expect(parameters.maxTokens == nil && parameters.grammar == nil && parameters.temperature == nil)
    }

    @Test("the fields it honours are read")
    func fields() throws {
        let request = try decode(ResponsesRequest.self, Self.plain(
            #""instructions":"Be brief.""#, #""max_output_tokens":40"#, #""temperature":0.5"#, #""top_p":0.9"#,
            #""stream":true"#, #""stream_options":{"include_obfuscation":false}"#, #""store":false"#,
            #""previous_response_id":"resp_abc123""#, #""metadata":{"b":"2","a":"1"}"#, #""user":"u1""#,
            #""truncation":"disabled""#, #""reasoning":{}"#, #""include":["reasoning.encrypted_content"]"#,
            #""prompt_cache_key":"codex-session-1""#, #""seed":7"#, #""top_k":5"#,
            #""logit_bias":{"2":-100}"#, #""keep_alive":"5m""#))
        #expect(request.instructions == "Be brief.")
        #expect(request.maxOutputTokens == 40 && request.temperature == 0.5 && request.topP == 0.9)
        #expect(request.stream && !request.store && request.previousResponseID == "resp_abc123")
        #expect(request.metadata == ["a": "1", "b": "2"] && request.user == "u1")
        let parameters = request.generationParameters()
        #expect(parameters.maxTokens == 40 && parameters.seed == 7 && parameters.topK == 5)
        #expect(parameters.logitBias == [2: -100])
        #expect(request.keepAlive != nil)
        let settings = request.settings(temperature: 0.5, topP: 0.9)
        #expect(settings.instructions == "Be brief." && settings.maxOutputTokens == 40 && !settings.store)
        #expect(settings.previousResponseID == "resp_abc123" && settings.user == "u1")
    }

    @Test("input items: messages of every role, parts, calls joined to the assistant turn, outputs as tool messages")
    func items() throws {
        let request = try decode(ResponsesRequest.self, Self.body(#"""
            "input":[
              {"role":"developer","content":"Rules."},
              {"type":"message","role":"user","content":[{"type":"input_text","text":"Weather "},
                                                         {"type":"input_text","text":"in Paris?"}]},
              {"type":"message","id":"msg_1","status":"completed","role":"assistant",
               "content":[{"type":"output_text","text":"Let me check.","annotations":[],"logprobs":[]}]},
              {"type":"function_call","id":"fc_1","call_id":"call_1","name":"get_weather",
               "arguments":"{\"city\":\"Paris\"}","status":"completed"},
              {"type":"function_call","call_id":"call_2","name":"get_weather","arguments":"{\"city\":\"Lyon\"}"},
              {"type":"function_call_output","call_id":"call_1","output":"18C"},
              {"type":"function_call_output","call_id":"call_2","output":[{"type":"input_text","text":"20C"}]},
              {"role":"system","content":"More rules."}]
            """#))
        #expect(request.input == [
            PromptMessage(role: .system, content: "Rules."),
            PromptMessage(role: .user, content: "Weather in Paris?"),
            PromptMessage(role: .assistant, content: "Let me check.", toolCalls: [
                ToolCall(id: "call_1", name: "get_weather", arguments: #"{"city":"Paris"}"#),
                ToolCall(id: "call_2", name: "get_weather", arguments: #"{"city":"Lyon"}"#),
            ]),
            PromptMessage(role: .tool, content: "18C", toolCallID: "call_1"),
            PromptMessage(role: .tool, content: "20C", toolCallID: "call_2"),
            PromptMessage(role: .system, content: "More rules."),
        ])
    }

    @Test("a function call after a user message starts an assistant turn of its own")
    func callAlone() throws {
        let request = try decode(ResponsesRequest.self, Self.body(#"""
            "input":[{"role":"user","content":"Paris?"},
              {"type":"function_call","call_id":"c","name":"f","arguments":"{}"}]
            """#))
        #expect(request.input.last == PromptMessage(role: .assistant, content: "",
                                                    toolCalls: [ToolCall(id: "c", name: "f", arguments: "{}")]))
    }

    @Test("flat function tools and every tool_choice")
    func tools() throws {
        let auto = try decode(ResponsesRequest.self, Self.plain(#""tools":[\#(Self.weather)]"#))
        let tools = try #require(auto.tools)
        #expect(tools.choice == .auto && tools.parallel && tools.tools.map(\.name) == ["get_weather"])
        #expect(tools.tools[0].parameters
            == #"{"properties":{"city":{"type":"string"}},"required":["city"],"type":"object"}"#)
        #expect(auto.functionTools[0].strict, "strict defaults to true")
        #expect(auto.generationParameters().grammar == tools.grammar())
        #expect(auto.grammarParam == "tools")
        let required = try decode(ResponsesRequest.self, Self.plain(
            #""tools":[\#(Self.weather)]"#, #""tool_choice":"required""#, #""parallel_tool_calls":false"#))
        #expect(required.tools?.choice == .required && required.tools?.parallel == false)
        let named = try decode(ResponsesRequest.self, Self.plain(
            #""tools":[\#(Self.weather)]"#, #""tool_choice":{"type":"function","name":"get_weather"}"#))
        #expect(named.toolChoice == .function("get_weather"))
        let none = try decode(ResponsesRequest.self, Self.plain(
            #""tools":[\#(Self.weather)]"#, #""tool_choice":"none""#, #""text":{"format":{"type":"json_object"}}"#))
        #expect(none.generationParameters().grammar == .jsonObject && none.grammarParam == "text.format")
        let strictOff = try decode(ResponsesRequest.self, Self.plain(
            #""tools":[{"type":"function","name":"f","strict":false}]"#))
        #expect(strictOff.functionTools[0].strict == false)
        let autoWithoutTools = try decode(ResponsesRequest.self, Self.plain(#""tool_choice":"auto""#))
        #expect(autoWithoutTools.tools == nil)
    }

    @Test("text formats become grammars")
    func textFormats() throws {
        let schema = try decode(ResponsesRequest.self, Self.plain(#"""
            "text":{"format":{"type":"json_schema","name":"point","strict":true,
              "schema":{"type":"object","properties":{"x":{"type":"integer"}},"required":["x"]}},"verbosity":"medium"}
            """#))
        #expect(schema.textFormat == .jsonSchema(
            name: "point", schema: #"{"properties":{"x":{"type":"integer"}},"required":["x"],"type":"object"}"#,
            strict: true, description: nil))
        #expect(schema.generationParameters().grammar
            == .jsonSchema(#"{"properties":{"x":{"type":"integer"}},"required":["x"],"type":"object"}"#))
        let text = try decode(ResponsesRequest.self, Self.plain(#""text":{"format":{"type":"text"}}"#))
        #expect(text.textFormat == .text && text.generationParameters().grammar == nil)
    }

    static let refusals: [Refusal] = [
        Refusal(Self.body(), "input", "missing_required_parameter"),
        Refusal(Body.object([hello]), "model", "missing_required_parameter"),
        Refusal(Self.body(#""input":[]"#), "input", "empty_array"),
        Refusal(Self.body(#""input":5"#), "input", "invalid_type"),
        Refusal(Self.body(#""input":[5]"#), "input[0]", "invalid_type"),
        Refusal(Self.body(#""input":[{"role":"tool","content":"x"}]"#), "input[0].role", "invalid_value"),
        Refusal(Self.body(#""input":[{"content":"x"}]"#), "input[0].role", "missing_required_parameter"),
        Refusal(Self.body(#""input":[{"role":"user"}]"#), "input[0].content", "missing_required_parameter"),
        Refusal(Self.body(#""input":[{"role":"user","content":"x","name":"bob"}]"#), "input[0].name"),
        Refusal(Self.body(#""input":[{"role":"user","content":"x","status":"done"}]"#), "input[0].status",
                "invalid_value"),
        Refusal(Self.body(#""input":[{"role":"user","content":[{"type":"input_image","image_url":"x"}]}]"#),
                "input[0].content[0].type", "unsupported_value"),
        Refusal(Self.body(#""input":[{"role":"user","content":[{"type":"input_text"}]}]"#),
                "input[0].content[0].text", "missing_required_parameter"),
        Refusal(Self.body(#""input":[{"role":"user","content":[{"type":"input_text","text":"x","extra":1}]}]"#),
                "input[0].content[0].extra"),
        Refusal(Self.body(#""input":[{"type":"item_reference","id":"x"}]"#), "input[0].type", "unsupported_value"),
        Refusal(Self.body(#""input":[{"type":"function_call","name":"f","arguments":"{}"}]"#), "input[0].call_id",
                "missing_required_parameter"),
        Refusal(Self.body(#""input":[{"type":"function_call","call_id":"c","name":"bad name","arguments":"{}"}]"#),
                "input[0].name", "invalid_value"),
        Refusal(Self.body(#""input":[{"type":"function_call","call_id":"c","name":"f","arguments":{}}]"#),
                "input[0].arguments", "invalid_type"),
        Refusal(Self.body(#""input":[{"type":"function_call_output","call_id":"c"}]"#), "input[0].output",
                "missing_required_parameter"),
        Refusal(Self.plain(#""tools":[{"type":"web_search"}]"#), "tools[0].type", "unsupported_value"),
        Refusal(Self.plain(#""tools":[{"type":"function","function":{"name":"f"}}]"#), "tools[0].function"),
        Refusal(Self.plain(#""tools":[{"type":"function"}]"#), "tools[0].name", "missing_required_parameter"),
        Refusal(Self.plain(#""tools":[\#(Self.weather),\#(Self.weather)]"#), "tools[1].name", "invalid_value"),
        Refusal(Self.plain(#""tools":{}"#), "tools", "invalid_type"),
        Refusal(Self.plain(#""tool_choice":"required""#), "tool_choice", "invalid_value"),
        Refusal(Self.plain(#""tools":[\#(Self.weather)]"#, #""tool_choice":"sometimes""#), "tool_choice",
                "invalid_value"),
        Refusal(Self.plain(#""tools":[\#(Self.weather)]"#, #""tool_choice":{"type":"function","name":"nope"}"#),
                "tool_choice", "invalid_value"),
        Refusal(Self.plain(#""tools":[\#(Self.weather)]"#, #""tool_choice":{"type":"file_search"}"#),
                "tool_choice.type", "unsupported_value"),
        Refusal(Self.plain(#""tools":[\#(Self.weather)]"#,
                           #""tool_choice":{"type":"function","function":{"name":"get_weather"}}"#),
                "tool_choice.function"),
        Refusal(Self.plain(#""tools":[\#(Self.weather)]"#, #""text":{"format":{"type":"json_object"}}"#),
                "text.format", "invalid_value"),
        Refusal(Self.plain(#""text":{"format":{"type":"xml"}}"#), "text.format.type", "invalid_value"),
        Refusal(Self.plain(#""text":{"format":{"type":"json_schema","schema":{}}}"#), "text.format.name",
                "missing_required_parameter"),
        Refusal(Self.plain(#""text":{"format":{"type":"json_schema","name":"n"}}"#), "text.format.schema",
                "missing_required_parameter"),
        Refusal(Self.plain(#""text":{"format":{"type":"json_schema","name":"bad name","schema":{}}}"#),
                "text.format.name", "invalid_value"),
        Refusal(Self.plain(#""text":{"format":{"type":"json_schema","name":"n","schema":{},"json_schema":{}}}"#),
                "text.format.json_schema"),
        Refusal(Self.plain(#""text":{"verbosity":"low"}"#), "text.verbosity", "unsupported_parameter"),
        Refusal(Self.plain(#""text":{"style":"x"}"#), "text.style"),
        Refusal(Self.plain(#""max_output_tokens":0"#), "max_output_tokens", "integer_below_min_value"),
        Refusal(Self.plain(#""max_output_tokens":"5""#), "max_output_tokens", "invalid_type"),
        Refusal(Self.plain(#""temperature":3"#), "temperature", "decimal_above_max_value"),
        Refusal(Self.plain(#""top_p":0"#), "top_p", "decimal_below_min_value"),
        Refusal(Self.plain(#""store":"yes""#), "store", "invalid_type"),
        Refusal(Self.plain(#""stream_options":{"include_obfuscation":false}"#), "stream_options", "invalid_value"),
        Refusal(Self.plain(#""stream":true"#, #""stream_options":{"include_usage":true}"#),
                "stream_options.include_usage"),
        Refusal(Self.plain(#""previous_response_id":"abc""#), "previous_response_id", "invalid_value"),
        Refusal(Self.plain(#""previous_response_id":5"#), "previous_response_id", "invalid_type"),
        Refusal(Self.plain(#""metadata":{"a":1}"#), "metadata.a", "invalid_type"),
        Refusal(Self.plain(#""metadata":[]"#), "metadata", "invalid_type"),
        Refusal(Self.plain(#""metadata":{"a":"\#(String(repeating: "x", count: 513))"}"#), "metadata.a",
                "string_above_max_length"),
        Refusal(Self.plain(#""metadata":{"\#(String(repeating: "k", count: 65))":"v"}"#), "metadata",
                "invalid_value"),
        Refusal(Self.plain(#""metadata":{\#((0..<17).map { #""k\#($0)":"v""# }.joined(separator: ","))}"#),
                "metadata", "object_above_max_properties"),
        Refusal(Self.plain(#""truncation":"auto""#), "truncation", "unsupported_parameter"),
        Refusal(Self.plain(#""reasoning":{"effort":"high"}"#), "reasoning", "unsupported_parameter"),
        Refusal(Self.plain(#""include":["message.output_text.logprobs"]"#), "include", "unsupported_parameter"),
        Refusal(Self.plain(#""prompt_cache_key":5"#), "prompt_cache_key", "invalid_type"),
        Refusal(Self.plain(#""background":true"#), "background"),
        Refusal(Self.plain(#""messages":[]"#), "messages"),
        Refusal(Self.plain(#""n":2"#), "n"),
    ]

    @Test("refusals name the field", arguments: refusals)
    func refused(_ refusal: Refusal) {
        expectRefused(ResponsesRequest.self, refusal)
    }

    @Test("a conversation survives the store's JSON")
    func conversationRoundTrip() throws {
        let messages = [
            PromptMessage(role: .system, content: "Rules \"quoted\" é 😀"),
            PromptMessage(role: .user, content: "hi", name: "bob"),
            PromptMessage(role: .assistant, content: "",
                          toolCalls: [ToolCall(id: "call_1", name: "f", arguments: #"{"a":1}"#)]),
            PromptMessage(role: .tool, content: "ok", toolCallID: "call_1"),
        ]
        #expect(try ResponseConversation.decode(ResponseConversation.encode(messages)) == messages)
        #expect(throws: ServingError.self) { try ResponseConversation.decode(Data("[]".utf8)) }
        #expect(throws: ServingError.self) { try ResponseConversation.decode(Data("{\"version\":2}".utf8)) }
    }

    @Test("response ids: well-formed ones only")
    func ids() {
        let id = ResponseObject.makeID()
        #expect(id.hasPrefix("resp_") && id.count == 53 && ResponseID.isWellFormed(id))
        #expect(!ResponseID.isWellFormed("msg_abc"))
        #expect(!ResponseID.isWellFormed("resp_a/b"))
        #expect(!ResponseID.isWellFormed("resp_" + String(repeating: "a", count: 200)))
    }
}
