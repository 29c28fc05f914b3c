import Foundation
import GatewayCore
import Testing
@testable import OpenAIAPI

@Suite("Legacy completion request: fields honoured or refused by name")
struct CompletionRequestTests {
    @Test("every supported field with a valid value reaches the request and its generation parameters")
    func everyFieldAccepted() throws {
        let request = try decode(CompletionRequest.self, Body.object([
            Body.model, #""prompt":["Once","Twice"]"#, #""max_tokens":32"#, #""temperature":1.2"#, #""top_p":0.5"#,
            #""top_k":8"#, #""seed":-2"#, #""stop":"\n""#, #""n":3"#, #""presence_penalty":0.5"#,
            #""frequency_penalty":-0.5"#, #""logprobs":5"#, #""echo":false"#, #""suffix":null"#, #""best_of":1"#,
            #""stream":true"#, #""stream_options":{"include_usage":true}"#, #""user":"u""#, #""logit_bias":{}"#,
        ]))
        #expect(request.model == "m")
        #expect(request.prompts == ["Once", "Twice"])
        #expect(request.n == 3)
        #expect(request.stream)
        #expect(request.includeUsage)
        #expect(request.user == "u")
        #expect(request.logprobs == 5)
        #expect(!request.echo)
        #expect(request.generationParameters() == GenerationParameters(
            maxTokens: 32, temperature: 1.2, topP: 0.5, topK: 8, seed: UInt64.max - 1, stop: ["\n"],
            presencePenalty: 0.5, frequencyPenalty: -0.5, logprobs: true, topLogprobs: 5))
    }

    @Test("a minimal request gets OpenAI's defaults: 16 tokens, one choice, no log-probabilities")
    func defaults() throws {
        let request = try decode(CompletionRequest.self, Body.completion())
        #expect(request.prompts == ["Once"])
        #expect(request.maxTokens == 16)
        #expect(request.n == 1)
        #expect(request.logprobs == nil)
        #expect(!request.echo)
        #expect(!request.stream)
        #expect(request.generationParameters() == GenerationParameters(maxTokens: 16))
    }

    @Test("logprobs 0 asks for the chosen tokens only; echo alone is honoured; neutral suffix values pass")
    func logprobsZeroAndEcho() throws {
        let zero = try decode(CompletionRequest.self, Body.completion(#""logprobs":0"#))
        #expect(zero.generationParameters().logprobs)
        #expect(zero.generationParameters().topLogprobs == 0)
        let echo = try decode(CompletionRequest.self, Body.completion(#""echo":true"#, #""suffix":"""#,
                                                                      #""max_tokens":null"#))
        #expect(echo.echo)
        #expect(echo.maxTokens == 16)
    }

    @Test("invalid values, types, combinations and chat-only fields are refused naming the field", arguments: [
        Refusal(Body.object([Body.prompt]), "model", "missing_required_parameter"),
        Refusal(Body.object([#""model":"""#, Body.prompt]), "model"),
        Refusal(Body.object([Body.model]), "prompt", "missing_required_parameter"),
        Refusal(Body.object([Body.model, #""prompt":null"#]), "prompt", "invalid_type"),
        Refusal(Body.object([Body.model, #""prompt":5"#]), "prompt", "invalid_type"),
        Refusal(Body.object([Body.model, #""prompt":[]"#]), "prompt", "empty_array"),
        Refusal(Body.object([Body.model, #""prompt":[1,2,3]"#]), "prompt", "unsupported_value"),
        Refusal(Body.object([Body.model, #""prompt":[[1,2],[3]]"#]), "prompt", "unsupported_value"),
        Refusal(Body.object([Body.model, #""prompt":["a",5]"#]), "prompt[1]", "invalid_type"),
        Refusal(Body.object([Body.model, #""prompt":"""#]), "prompt"),
        Refusal(Body.object([Body.model, #""prompt":["a",""]"#]), "prompt[1]"),
        Refusal(Body.completion().replacingOccurrences(
                    of: #""Once""#, with: "[" + Array(repeating: #""p""#, count: 33).joined(separator: ",") + "]"),
                "prompt", "array_above_max_length"),
        Refusal(Body.completion(#""max_tokens":0"#), "max_tokens", "integer_below_min_value"),
        Refusal(Body.completion(#""max_tokens":"16""#), "max_tokens", "invalid_type"),
        Refusal(Body.completion(#""logprobs":6"#), "logprobs", "integer_above_max_value"),
        Refusal(Body.completion(#""logprobs":-1"#), "logprobs", "integer_below_min_value"),
        Refusal(Body.completion(#""logprobs":true"#), "logprobs", "invalid_type"),
        Refusal(Body.completion(#""echo":"yes""#), "echo", "invalid_type"),
        Refusal(Body.completion(#""echo":true"#, #""logprobs":1"#), "echo", "unsupported_value"),
        Refusal(Body.completion(#""suffix":" end""#), "suffix", "unsupported_parameter"),
        Refusal(Body.completion(#""best_of":2"#), "best_of", "unsupported_value"),
        Refusal(Body.completion(#""best_of":0"#), "best_of", "integer_below_min_value"),
        Refusal(Body.completion(#""best_of":"1""#), "best_of", "invalid_type"),
        Refusal(Body.completion(#""temperature":3"#), "temperature", "decimal_above_max_value"),
        Refusal(Body.completion(#""top_p":0"#), "top_p", "decimal_below_min_value"),
        Refusal(Body.completion(#""top_k":0"#), "top_k", "integer_below_min_value"),
        Refusal(Body.completion(#""seed":"x""#), "seed", "invalid_type"),
        Refusal(Body.completion(#""stop":["1","2","3","4","5"]"#), "stop", "array_above_max_length"),
        Refusal(Body.completion(#""n":9"#), "n", "integer_above_max_value"),
        Refusal(Body.completion(#""presence_penalty":-2.01"#), "presence_penalty", "decimal_below_min_value"),
        Refusal(Body.completion(#""frequency_penalty":2.01"#), "frequency_penalty", "decimal_above_max_value"),
        Refusal(Body.completion(#""stream":1"#), "stream", "invalid_type"),
        Refusal(Body.completion(#""stream_options":{"include_usage":true}"#), "stream_options", "invalid_value"),
        Refusal(Body.completion(#""user":["u"]"#), "user", "invalid_type"),
        Refusal(Body.completion(#""logit_bias":{"x":-100}"#), "logit_bias", "invalid_value"),
        Refusal(Body.completion(#""messages":[]"#), "messages"),
        Refusal(Body.completion(#""top_logprobs":2"#), "top_logprobs"),
        Refusal(Body.completion(#""tools":[]"#), "tools"),
        Refusal(Body.completion(#""max_completion_tokens":5"#), "max_completion_tokens"),
    ])
    func refused(_ refusal: Refusal) {
        expectRefused(CompletionRequest.self, refusal)
    }
}
