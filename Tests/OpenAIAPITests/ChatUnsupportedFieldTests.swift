import Foundation
import GatewayCore
import Testing
@testable import OpenAIAPI

@Suite("Chat completion request: unsupported fields are refused unless neutral")
struct ChatUnsupportedFieldTests {
    @Test("the neutral value of each unsupported field is accepted", arguments: [
        #""tools":null"#, #""tools":[]"#, #""tool_choice":null"#, #""tool_choice":"none""#, #""functions":null"#,
        #""functions":[]"#, #""function_call":null"#, #""function_call":"none""#, #""parallel_tool_calls":null"#,
        #""parallel_tool_calls":false"#, #""parallel_tool_calls":true"#, #""response_format":null"#, #""response_format":{"type":"text"}"#,
        #""logit_bias":null"#, #""logit_bias":{}"#, #""audio":null"#, #""modalities":null"#,
        #""modalities":["text"]"#, #""prediction":null"#, #""reasoning_effort":null"#,
        #""web_search_options":null"#, #""store":null"#, #""store":false"#, #""metadata":null"#, #""metadata":{}"#,
        #""service_tier":null"#, #""service_tier":"auto""#, #""service_tier":"default""#,
    ])
    func neutralAccepted(field: String) throws {
        let request = try decode(ChatCompletionRequest.self, Body.chat(field))
        #expect(request.generationParameters() == GenerationParameters())
    }

    @Test("any other value is refused naming the field", arguments: [
        Refusal(Body.chat(#""functions":[{"name":"f"}]"#), "functions", "unsupported_parameter"),
        Refusal(Body.chat(#""function_call":"auto""#), "function_call", "unsupported_parameter"),
        Refusal(Body.chat(#""response_format":"text""#), "response_format", "invalid_type"),
        Refusal(Body.chat(#""response_format":{"type":"xml"}"#), "response_format.type", "invalid_value"),
        Refusal(Body.chat(#""response_format":{}"#), "response_format.type", "missing_required_parameter"),
        Refusal(Body.chat(#""response_format":{"type":"json_object","schema":{}}"#), "response_format.schema"),
        Refusal(Body.chat(#""response_format":{"type":"json_schema"}"#), "response_format.json_schema",
                "missing_required_parameter"),
        Refusal(Body.chat(#""response_format":{"type":"json_schema","json_schema":{"schema":{}}}"#),
                "response_format.json_schema.name", "missing_required_parameter"),
        Refusal(Body.chat(#""response_format":{"type":"json_schema","json_schema":{"name":"a b"}}"#),
                "response_format.json_schema.name", "invalid_value"),
        Refusal(Body.chat(#""response_format":{"type":"json_schema","json_schema":{"name":"x","schema":[]}}"#),
                "response_format.json_schema.schema", "invalid_type"),
        Refusal(Body.chat(#""response_format":{"type":"json_schema","json_schema":{"name":"x","strict":1}}"#),
                "response_format.json_schema.strict", "invalid_type"),
        Refusal(Body.chat(#""response_format":{"type":"json_schema","json_schema":{"name":"x","extra":1}}"#),
                "response_format.json_schema.extra"),
        Refusal(Body.chat(#""audio":{"voice":"alloy","format":"wav"}"#), "audio", "unsupported_parameter"),
        Refusal(Body.chat(#""modalities":["text","audio"]"#), "modalities", "unsupported_parameter"),
        Refusal(Body.chat(#""modalities":[]"#), "modalities", "unsupported_parameter"),
        Refusal(Body.chat(#""prediction":{"type":"content","content":"x"}"#), "prediction", "unsupported_parameter"),
        Refusal(Body.chat(#""reasoning_effort":"low""#), "reasoning_effort", "unsupported_parameter"),
        Refusal(Body.chat(#""web_search_options":{}"#), "web_search_options", "unsupported_parameter"),
        Refusal(Body.chat(#""store":true"#), "store", "unsupported_parameter"),
        Refusal(Body.chat(#""metadata":{"k":"v"}"#), "metadata", "unsupported_parameter"),
        Refusal(Body.chat(#""service_tier":"flex""#), "service_tier", "unsupported_parameter"),
    ])
    func refused(_ refusal: Refusal) {
        expectRefused(ChatCompletionRequest.self, refusal)
    }
}
