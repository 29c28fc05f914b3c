import Foundation
import GatewayCore
import Testing
@testable import OpenAIAPI

@Suite("Legacy completion response and chunks: OpenAI's exact bytes")
struct CompletionResponseTests {
    @Test("a text_completion body has OpenAI's fields in OpenAI's order")
    func response() throws {
        let response = CompletionResponse(
            id: "cmpl-1", created: 1_589_478_378, model: "tiny",
            choices: [.init(text: "\n\nThis is", finishReason: .length), .init(text: "é", finishReason: .stop)],
            usage: GenerationUsage(promptTokens: 5, completionTokens: 7), systemFingerprint: "fp_2")
        #expect(response.jsonBytes().text == #"""
            {"id":"cmpl-1","object":"text_completion","created":1589478378,"model":"tiny",\#
            "system_fingerprint":"fp_2","choices":[{"text":"\n\nThis is","index":0,"logprobs":null,\#
            "finish_reason":"length"},{"text":"é","index":1,"logprobs":null,"finish_reason":"stop"}],\#
            "usage":{"prompt_tokens":5,"completion_tokens":7,"total_tokens":12,"prompt_tokens_details":{"cached_tokens":0}}}
            """#)
        _ = try jsonObject(response.jsonBytes())
    }

    @Test("legacy logprobs: tokens, token_logprobs, top_logprobs as token→logprob maps, text_offset in scalars")
    func legacyLogprobs() throws {
        func token(_ text: String, _ logprob: Double) -> TokenLogprob {
            TokenLogprob(token: text, bytes: Array(text.utf8), logprob: logprob)
        }
        let tokens = [
            TokenLogprobs(chosen: token("Hi", -0.5), top: [token("Hi", -0.5), token("Hi", -0.7), token("Yo", -3)]),
            TokenLogprobs(chosen: token(" wörld", -1.25), top: []),
            TokenLogprobs(chosen: token("🙂", -.infinity), top: [token("\"", -2)]),
        ]
        let response = CompletionResponse(
            id: "cmpl-2", created: 9, model: "m",
            choices: [.init(text: "Say: Hi wörld🙂", logprobs: tokens, textOffset: 5, finishReason: .stop)],
            usage: GenerationUsage(promptTokens: 2, completionTokens: 3))
        #expect(response.jsonBytes().text.contains(#"""
            "logprobs":{"tokens":["Hi"," wörld","🙂"],"token_logprobs":[-0.5,-1.25,-9999.0],\#
            "top_logprobs":[{"Hi":-0.5,"Yo":-3.0},{},{"\"":-2.0}],"text_offset":[5,7,13]},"finish_reason":"stop"}
            """#))
        let choices = try #require(try jsonObject(response.jsonBytes())["choices"] as? [[String: Any]])
        let logprobs = try #require(choices[0]["logprobs"] as? [String: Any])
        #expect(logprobs["tokens"] as? [String] == ["Hi", " wörld", "🙂"])
        #expect(logprobs["text_offset"] as? [Int] == [5, 7, 13])
    }

    @Test("a stream: text chunks, finish chunk, usage chunk, [DONE], with choices before model as OpenAI sends")
    func streamWithUsage() throws {
        let writer = CompletionChunkWriter(id: "cmpl-s", created: 1, model: "tiny", includeUsage: true,
                                           logprobs: false)
        let usage = GenerationUsage(promptTokens: 3, completionTokens: 2)
        var stream = writer.chunk(for: .text("Hel", logprobs: []), index: 0)
        stream += writer.chunk(for: .text("lo", logprobs: []), index: 0, textOffset: 3)
        stream += writer.chunk(for: .finished(.stop, usage: usage), index: 0)
        stream += writer.usageChunk(usage) + SSEFrame.done
        let head = #"data: {"id":"cmpl-s","object":"text_completion","created":1,"choices":["#
        let tail = #"],"model":"tiny","system_fingerprint":null,"usage":null}"# + "\n\n"
        #expect(stream.text == head + #"{"text":"Hel","index":0,"logprobs":null,"finish_reason":null}"# + tail
            + head + #"{"text":"lo","index":0,"logprobs":null,"finish_reason":null}"# + tail
            + head + #"{"text":"","index":0,"logprobs":null,"finish_reason":"stop"}"# + tail
            + head + #"],"model":"tiny","system_fingerprint":null,"#
            + #""usage":{"prompt_tokens":3,"completion_tokens":2,"total_tokens":5,"prompt_tokens_details":{"cached_tokens":0}}}"# + "\n\n"
            + "data: [DONE]\n\n")
    }

    @Test("without include_usage there is no usage key; with logprobs, offsets continue from textOffset")
    func streamLogprobsWithoutUsage() throws {
        let writer = CompletionChunkWriter(id: "c", created: 2, model: "m", systemFingerprint: "fp",
                                           includeUsage: false, logprobs: true)
        let chunk = writer.textChunk(index: 2, text: "Hi", logprobs: greetingLogprobs, textOffset: 10)
        #expect(chunk.text == #"data: {"id":"c","object":"text_completion","created":2,"choices":[{"text":"Hi","#
            + #""index":2,"logprobs":{"tokens":["Hi"],"token_logprobs":[-0.25],"top_logprobs":[{"Hi":-0.25,"#
            + #""Hey":-1.5}],"text_offset":[10]},"finish_reason":null}],"model":"m","system_fingerprint":"fp"}"#
            + "\n\n")
        #expect(try jsonObject(chunk)["usage"] == nil)
    }
}
