import Foundation
import GatewayCore
import Testing
@testable import OpenAIAPI

@Suite("Chat completion request: fields honoured or refused by name")
struct ChatCompletionRequestTests {
    @Test("every supported field with a valid value reaches the request and its generation parameters")
    func everyFieldAccepted() throws {
        let request = try decode(ChatCompletionRequest.self, Body.chat(
            #""max_completion_tokens":64"#, #""temperature":0.7"#, #""top_p":0.9"#, #""top_k":40"#, #""seed":7"#,
            #""stop":["\n\n","END"]"#, #""n":2"#, #""presence_penalty":-1.5"#, #""frequency_penalty":2"#,
            #""logprobs":true"#, #""top_logprobs":3"#, #""stream":true"#, #""stream_options":{"include_usage":true}"#,
            #""user":"u-1""#, #""logit_bias":{"50256":-100,"7":2.5}"#, #""min_p":0.05"#))
        #expect(request.model == "m")
        #expect(request.messages == [ChatMessage(role: .user, content: "hi")])
        #expect(request.n == 2)
        #expect(request.stream)
        #expect(request.includeUsage)
        #expect(request.user == "u-1")
        #expect(request.generationParameters() == GenerationParameters(
            maxTokens: 64, temperature: 0.7, topP: 0.9, topK: 40, seed: 7, stop: ["\n\n", "END"],
            presencePenalty: -1.5, frequencyPenalty: 2, logprobs: true, topLogprobs: 3, minP: 0.05,
            logitBias: [50256: -100, 7: 2.5]))
    }

    @Test("response_format: text asks for nothing; json_object and json_schema become grammars")
    func responseFormat() throws {
        let text = try decode(ChatCompletionRequest.self, Body.chat(#""response_format":{"type":"text"}"#))
        #expect(text.grammar == nil)
        let object = try decode(ChatCompletionRequest.self, Body.chat(#""response_format":{"type":"json_object"}"#))
        #expect(object.generationParameters().grammar == .jsonObject)
        let schema = try decode(ChatCompletionRequest.self, Body.chat(
            #""response_format":{"type":"json_schema","json_schema":{"name":"person","strict":true,"#
                + #""schema":{"type":"object","properties":{"age":{"type":"integer","minimum":0}}}}}"#))
        #expect(schema.grammar == .jsonSchema(
            #"{"properties":{"age":{"minimum":0,"type":"integer"}},"type":"object"}"#))
        let noSchema = try decode(ChatCompletionRequest.self, Body.chat(
            #""response_format":{"type":"json_schema","json_schema":{"name":"any"}}"#))
        #expect(noSchema.grammar == .jsonSchema("{}"))
    }

    @Test("vLLM's guided_* extension fields become grammars; only one constraint per request")
    func guidedFields() throws {
        let regex = try decode(ChatCompletionRequest.self, Body.chat(#""guided_regex":"[0-9]{3}""#))
        #expect(regex.grammar == .regex("[0-9]{3}") && regex.grammarParam == "guided_regex")
        let choice = try decode(ChatCompletionRequest.self, Body.chat(#""guided_choice":["yes","no \"way\""]"#))
        #expect(choice.grammar == .lark(#"start: "yes" | "no \"way\"""#))
        let json = try decode(ChatCompletionRequest.self, Body.chat(#""guided_json":{"type":"integer"}"#))
        #expect(json.grammar == .jsonSchema(#"{"type":"integer"}"#))
        let lark = try decode(ChatCompletionRequest.self, Body.chat(#""guided_grammar":"start: \"a\"""#))
        #expect(lark.grammar == .lark(#"start: "a""#))
        expectRefused(ChatCompletionRequest.self, Refusal(
            Body.chat(#""guided_regex":"a""#, #""guided_choice":["b"]"#), "guided_choice", "invalid_value"))
        expectRefused(ChatCompletionRequest.self, Refusal(
            Body.chat(#""response_format":{"type":"json_object"}"#, #""guided_regex":"a""#), "guided_regex",
            "invalid_value"))
        expectRefused(ChatCompletionRequest.self, Refusal(Body.chat(#""guided_choice":[]"#), "guided_choice",
                                                          "invalid_value"))
        expectRefused(ChatCompletionRequest.self, Refusal(Body.chat(#""guided_json":5"#), "guided_json",
                                                          "invalid_type"))
    }

    @Test("a minimal request gets the defaults")
    func defaults() throws {
        let request = try decode(ChatCompletionRequest.self, Body.chat())
        #expect(request.n == 1)
        #expect(!request.stream)
        #expect(!request.includeUsage)
        #expect(request.user == nil)
        #expect(request.generationParameters() == GenerationParameters())
    }

    @Test("null is accepted for every optional field and means its default")
    func nullsAccepted() throws {
        let fields = ["max_tokens", "max_completion_tokens", "temperature", "top_p", "top_k", "seed", "stop", "n",
                      "presence_penalty", "frequency_penalty", "logprobs", "top_logprobs", "stream", "stream_options",
                      "user", "logit_bias", "min_p"]
        let request = try decode(ChatCompletionRequest.self,
                                 Body.object([Body.model, Body.hello] + fields.map { #""\#($0)":null"# }))
        #expect(request.generationParameters() == GenerationParameters())
        #expect(request.n == 1)
    }

    @Test("max_tokens is the older name of max_completion_tokens", arguments: [
        (#""max_tokens":5"#, 5), (#""max_completion_tokens":6"#, 6), (#""max_tokens":null"#, nil),
    ] as [(String, Int?)])
    func maxTokens(field: String, expected: Int?) throws {
        #expect(try decode(ChatCompletionRequest.self, Body.chat(field)).generationParameters().maxTokens == expected)
    }

    @Test("seed takes any 64-bit integer, negative ones by bit pattern", arguments: [
        ("0", 0), ("42", 42), ("-1", UInt64.max), ("18446744073709551615", UInt64.max),
        ("-9223372036854775808", 1 << 63),
    ] as [(String, UInt64)])
    func seed(json: String, expected: UInt64) throws {
        #expect(try decode(ChatCompletionRequest.self, Body.chat(#""seed":\#(json)"#)).generationParameters().seed
            == expected)
    }

    @Test("stop is null, one string or up to four", arguments: [
        (#""stop":"END""#, ["END"]), (#""stop":[]"#, []), (#""stop":["a","b","c","d"]"#, ["a", "b", "c", "d"]),
    ])
    func stop(field: String, expected: [String]) throws {
        #expect(try decode(ChatCompletionRequest.self, Body.chat(field)).generationParameters().stop == expected)
    }

    @Test("boundary values are accepted", arguments: [
        #""temperature":0"#, #""temperature":2"#, #""top_p":1"#, #""top_p":0.0001"#, #""top_k":1"#, #""n":1"#,
        #""n":8"#, #""presence_penalty":-2"#, #""presence_penalty":2"#, #""frequency_penalty":-2"#,
        #""max_tokens":1"#, #""logprobs":true,"top_logprobs":0"#, #""logprobs":true,"top_logprobs":20"#,
        #""logprobs":false"#, #""stream":false,"stream_options":null"#, #""stream":true,"stream_options":{}"#,
        #""stream":true,"stream_options":{"include_usage":false,"include_obfuscation":false}"#, #""top_k":2.0"#,
    ])
    func boundaries(field: String) throws {
        _ = try decode(ChatCompletionRequest.self, Body.chat(field))
    }

    @Test("include_usage follows stream_options", arguments: [
        (#""stream":true,"stream_options":{"include_usage":true}"#, true),
        (#""stream":true,"stream_options":{"include_usage":false}"#, false),
        (#""stream":true,"stream_options":{"include_usage":null}"#, false),
        (#""stream":true"#, false),
    ])
    func includeUsage(fields: String, expected: Bool) throws {
        #expect(try decode(ChatCompletionRequest.self, Body.chat(fields)).includeUsage == expected)
    }

    @Test("invalid values, types and combinations are refused naming the field", arguments: [
        Refusal(Body.object([Body.hello]), "model", "missing_required_parameter"),
        Refusal(Body.object([#""model":"""#, Body.hello]), "model"),
        Refusal(Body.object([#""model":5"#, Body.hello]), "model", "invalid_type"),
        Refusal(Body.object([#""model":null"#, Body.hello]), "model", "invalid_type"),
        Refusal(Body.object([Body.model]), "messages", "missing_required_parameter"),
        Refusal(Body.object([Body.model, #""messages":[]"#]), "messages", "empty_array"),
        Refusal(Body.object([Body.model, #""messages":"hi""#]), "messages", "invalid_type"),
        Refusal(Body.object([Body.model, #""messages":null"#]), "messages", "invalid_type"),
        Refusal(Body.chat(#""temperature":"hot""#), "temperature", "invalid_type"),
        Refusal(Body.chat(#""temperature":2.5"#), "temperature", "decimal_above_max_value"),
        Refusal(Body.chat(#""temperature":-0.1"#), "temperature", "decimal_below_min_value"),
        Refusal(Body.chat(#""top_p":0"#), "top_p", "decimal_below_min_value"),
        Refusal(Body.chat(#""top_p":1.01"#), "top_p", "decimal_above_max_value"),
        Refusal(Body.chat(#""top_p":[1]"#), "top_p", "invalid_type"),
        Refusal(Body.chat(#""top_k":0"#), "top_k", "integer_below_min_value"),
        Refusal(Body.chat(#""top_k":1.5"#), "top_k", "invalid_type"),
        Refusal(Body.chat(#""top_k":"5""#), "top_k", "invalid_type"),
        Refusal(Body.chat(#""seed":"7""#), "seed", "invalid_type"),
        Refusal(Body.chat(#""seed":1.5"#), "seed", "invalid_type"),
        Refusal(Body.chat(#""stop":5"#), "stop", "invalid_type"),
        Refusal(Body.chat(#""stop":{"a":1}"#), "stop", "invalid_type"),
        Refusal(Body.chat(#""stop":"""#), "stop"),
        Refusal(Body.chat(#""stop":["a","b","c","d","e"]"#), "stop", "array_above_max_length"),
        Refusal(Body.chat(#""stop":["a",""]"#), "stop[1]"),
        Refusal(Body.chat(#""stop":["a",3]"#), "stop[1]", "invalid_type"),
        Refusal(Body.chat(#""n":0"#), "n", "integer_below_min_value"),
        Refusal(Body.chat(#""n":9"#), "n", "integer_above_max_value"),
        Refusal(Body.chat(#""n":"2""#), "n", "invalid_type"),
        Refusal(Body.chat(#""presence_penalty":2.5"#), "presence_penalty", "decimal_above_max_value"),
        Refusal(Body.chat(#""presence_penalty":-2.5"#), "presence_penalty", "decimal_below_min_value"),
        Refusal(Body.chat(#""presence_penalty":true"#), "presence_penalty", "invalid_type"),
        Refusal(Body.chat(#""frequency_penalty":3"#), "frequency_penalty", "decimal_above_max_value"),
        Refusal(Body.chat(#""frequency_penalty":-3"#), "frequency_penalty", "decimal_below_min_value"),
        Refusal(Body.chat(#""frequency_penalty":"0""#), "frequency_penalty", "invalid_type"),
        Refusal(Body.chat(#""logprobs":"yes""#), "logprobs", "invalid_type"),
        Refusal(Body.chat(#""logprobs":1"#), "logprobs", "invalid_type"),
        Refusal(Body.chat(#""logprobs":true"#, #""top_logprobs":21"#), "top_logprobs", "integer_above_max_value"),
        Refusal(Body.chat(#""logprobs":true"#, #""top_logprobs":-1"#), "top_logprobs", "integer_below_min_value"),
        Refusal(Body.chat(#""logprobs":true"#, #""top_logprobs":"3""#), "top_logprobs", "invalid_type"),
        Refusal(Body.chat(#""top_logprobs":3"#), "top_logprobs", "invalid_value"),
        Refusal(Body.chat(#""logprobs":false"#, #""top_logprobs":0"#), "top_logprobs", "invalid_value"),
        Refusal(Body.chat(#""stream":"true""#), "stream", "invalid_type"),
        Refusal(Body.chat(#""stream_options":{"include_usage":true}"#), "stream_options", "invalid_value"),
        Refusal(Body.chat(#""stream":false"#, #""stream_options":{}"#), "stream_options", "invalid_value"),
        Refusal(Body.chat(#""stream":true"#, #""stream_options":true"#), "stream_options", "invalid_type"),
        Refusal(Body.chat(#""stream":true"#, #""stream_options":{"include_usage":"yes"}"#),
                "stream_options.include_usage", "invalid_type"),
        Refusal(Body.chat(#""stream":true"#, #""stream_options":{"chunk_size":4}"#), "stream_options.chunk_size"),
        Refusal(Body.chat(#""stream":true"#, #""stream_options":{"include_obfuscation":true}"#),
                "stream_options.include_obfuscation", "unsupported_parameter"),
        Refusal(Body.chat(#""stream":true"#, #""stream_options":{"include_obfuscation":1}"#),
                "stream_options.include_obfuscation", "invalid_type"),
        Refusal(Body.chat(#""user":5"#), "user", "invalid_type"),
        Refusal(Body.chat(#""max_tokens":0"#), "max_tokens", "integer_below_min_value"),
        Refusal(Body.chat(#""max_tokens":"many""#), "max_tokens", "invalid_type"),
        Refusal(Body.chat(#""max_completion_tokens":0"#), "max_completion_tokens", "integer_below_min_value"),
        Refusal(Body.chat(#""max_completion_tokens":2.5"#), "max_completion_tokens", "invalid_type"),
        Refusal(Body.chat(#""max_tokens":5"#, #""max_completion_tokens":5"#), "max_tokens", "invalid_value"),
        Refusal(Body.chat(#""logit_bias":{"abc":1}"#), "logit_bias", "invalid_value"),
        Refusal(Body.chat(#""logit_bias":{"-1":1}"#), "logit_bias", "invalid_value"),
        Refusal(Body.chat(#""logit_bias":{"5":100.5}"#), "logit_bias", "invalid_value"),
        Refusal(Body.chat(#""logit_bias":{"5":"up"}"#), "logit_bias", "invalid_value"),
        Refusal(Body.chat(#""logit_bias":[]"#), "logit_bias", "invalid_type"),
        Refusal(Body.chat(#""min_p":1.5"#), "min_p", "decimal_above_max_value"),
        Refusal(Body.chat(#""min_p":"x""#), "min_p", "invalid_type"),
        Refusal(Body.chat(#""temperatur":1"#), "temperatur"),
        Refusal(Body.chat(#""best_of":1"#), "best_of"),
        Refusal(Body.chat(#""prompt":"x""#), "prompt"),
        Refusal(Body.chat(#""echo":false"#), "echo"),
    ])
    func refused(_ refusal: Refusal) {
        expectRefused(ChatCompletionRequest.self, refusal)
    }

    @Test("an unknown field is refused with OpenAI's message")
    func unknownFieldMessage() throws {
        let error = try #require(throws: APIError.self) {
            try decode(ChatCompletionRequest.self, Body.chat(#""verbosity":"low""#))
        }
        #expect(error.message == "Unrecognized request argument supplied: verbosity")
        #expect(error.param == "verbosity")
    }

    @Test("a wrong type says what was expected and what was sent")
    func wrongTypeMessage() throws {
        let error = try #require(throws: APIError.self) {
            try decode(ChatCompletionRequest.self, Body.chat(#""temperature":"hot""#))
        }
        #expect(error.message == "Invalid type for 'temperature': expected a number, but got a string instead.")
        #expect(error.code == "invalid_type")
    }
}
