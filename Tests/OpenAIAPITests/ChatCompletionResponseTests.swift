import Foundation
import GatewayCore
import Testing
@testable import OpenAIAPI

/// Log-probabilities the writer tests share: "Hi" chosen over "Hey".
let greetingLogprobs = [
    TokenLogprobs(chosen: TokenLogprob(token: "Hi", bytes: [72, 105], logprob: -0.25),
                  top: [TokenLogprob(token: "Hi", bytes: [72, 105], logprob: -0.25),
                        TokenLogprob(token: "Hey", bytes: [72, 101, 121], logprob: -1.5)]),
]

@Suite("Chat completion response and chunks: OpenAI's exact bytes")
struct ChatCompletionResponseTests {
    @Test("a chat.completion body has OpenAI's fields in OpenAI's order")
    func response() throws {
        let response = ChatCompletionResponse(
            id: "chatcmpl-abc", created: 1_700_000_000, model: "tiny",
            choices: [.init(content: "Hello \"you\"\n", finishReason: .stop)],
            usage: GenerationUsage(promptTokens: 12, completionTokens: 3))
        #expect(response.jsonBytes().text == #"""
            {"id":"chatcmpl-abc","object":"chat.completion","created":1700000000,"model":"tiny","choices":[{"index":0,\#
            "message":{"role":"assistant","content":"Hello \"you\"\n","refusal":null},"logprobs":null,\#
            "finish_reason":"stop"}],"usage":{"prompt_tokens":12,"completion_tokens":3,"total_tokens":15,"prompt_tokens_details":{"cached_tokens":0}},\#
            "system_fingerprint":null}
            """#)
        let object = try jsonObject(response.jsonBytes())
        let choices = try #require(object["choices"] as? [[String: Any]])
        #expect((choices[0]["message"] as? [String: Any])?["content"] as? String == "Hello \"you\"\n")
    }

    @Test("several choices are indexed in order; logprobs have the content/refusal shape")
    func choicesWithLogprobs() throws {
        let response = ChatCompletionResponse(
            id: "chatcmpl-x", created: 5, model: "m",
            choices: [.init(content: "Hi", logprobs: greetingLogprobs, finishReason: .length),
                      .init(content: "", logprobs: [], finishReason: .stop)],
            usage: GenerationUsage(promptTokens: 2, completionTokens: 1), systemFingerprint: "fp_1")
        #expect(response.jsonBytes().text == #"""
            {"id":"chatcmpl-x","object":"chat.completion","created":5,"model":"m","choices":[{"index":0,"message":\#
            {"role":"assistant","content":"Hi","refusal":null},"logprobs":{"content":[{"token":"Hi","logprob":-0.25,\#
            "bytes":[72,105],"top_logprobs":[{"token":"Hi","logprob":-0.25,"bytes":[72,105]},{"token":"Hey",\#
            "logprob":-1.5,"bytes":[72,101,121]}]}],"refusal":null},"finish_reason":"length"},{"index":1,"message":\#
            {"role":"assistant","content":"","refusal":null},"logprobs":{"content":[],"refusal":null},\#
            "finish_reason":"stop"}],"usage":{"prompt_tokens":2,"completion_tokens":1,"total_tokens":3,"prompt_tokens_details":{"cached_tokens":0}},\#
            "system_fingerprint":"fp_1"}
            """#)
        _ = try jsonObject(response.jsonBytes())
    }

    @Test("a stream: role chunk, content chunks, finish chunk, usage chunk, [DONE]; usage:null on each chunk")
    func streamWithUsage() throws {
        let writer = ChatCompletionChunkWriter(id: "chatcmpl-s", created: 1, model: "tiny", systemFingerprint: "fp_1",
                                               includeUsage: true, logprobs: false)
        let usage = GenerationUsage(promptTokens: 4, completionTokens: 2)
        let events: [GenerationEvent] = [.text("Hel", logprobs: []), .text("lo", logprobs: []),
                                         .finished(.length, usage: usage)]
        var stream = writer.roleChunk(index: 0)
        for event in events { stream += writer.chunk(for: event, index: 0) }
        stream += writer.usageChunk(usage) + SSEFrame.done
        let head = #"data: {"id":"chatcmpl-s","object":"chat.completion.chunk","created":1,"model":"tiny","#
            + #""system_fingerprint":"fp_1","choices":["#
        #expect(stream.text == head + #"{"index":0,"delta":{"role":"assistant","content":""},"logprobs":null,"#
            + #""finish_reason":null}],"usage":null}"# + "\n\n"
            + head + #"{"index":0,"delta":{"content":"Hel"},"logprobs":null,"finish_reason":null}],"usage":null}"#
            + "\n\n"
            + head + #"{"index":0,"delta":{"content":"lo"},"logprobs":null,"finish_reason":null}],"usage":null}"#
            + "\n\n"
            + head + #"{"index":0,"delta":{},"logprobs":null,"finish_reason":"length"}],"usage":null}"# + "\n\n"
            + head + #"],"usage":{"prompt_tokens":4,"completion_tokens":2,"total_tokens":6,"prompt_tokens_details":{"cached_tokens":0}}}"# + "\n\n"
            + "data: [DONE]\n\n")
    }

    @Test("without include_usage no chunk carries a usage key; a second choice has its own index")
    func streamWithoutUsage() throws {
        let writer = ChatCompletionChunkWriter(id: "c", created: 2, model: "m", includeUsage: false, logprobs: false)
        let head = #"data: {"id":"c","object":"chat.completion.chunk","created":2,"model":"m","#
            + #""system_fingerprint":null,"choices":["#
        #expect(writer.roleChunk(index: 1).text == head
            + #"{"index":1,"delta":{"role":"assistant","content":""},"logprobs":null,"finish_reason":null}]}"# + "\n\n")
        #expect(writer.contentChunk(index: 1, content: "é\t").text == head
            + #"{"index":1,"delta":{"content":"é\t"},"logprobs":null,"finish_reason":null}]}"# + "\n\n")
        #expect(writer.finishChunk(index: 1, reason: .stop).text == head
            + #"{"index":1,"delta":{},"logprobs":null,"finish_reason":"stop"}]}"# + "\n\n")
        for chunk in [writer.roleChunk(index: 0), writer.contentChunk(index: 0, content: "x")] {
            #expect(try jsonObject(chunk)["usage"] == nil)
        }
    }

    @Test("with logprobs on, content chunks carry the tokens' log-probabilities; role and finish chunks null")
    func streamLogprobs() throws {
        let writer = ChatCompletionChunkWriter(id: "c", created: 2, model: "m", includeUsage: false, logprobs: true)
        let chunk = writer.chunk(for: .text("Hi", logprobs: greetingLogprobs), index: 0)
        #expect(chunk.text.contains(#""delta":{"content":"Hi"},"logprobs":{"content":[{"token":"Hi","logprob":-0.25,"#
            + #""bytes":[72,105],"top_logprobs":[{"token":"Hi","logprob":-0.25,"bytes":[72,105]},{"token":"Hey","#
            + #""logprob":-1.5,"bytes":[72,101,121]}]}],"refusal":null},"finish_reason":null}]}"#))
        let choices = try #require(try jsonObject(chunk)["choices"] as? [[String: Any]])
        let content = try #require((choices[0]["logprobs"] as? [String: Any])?["content"] as? [[String: Any]])
        #expect(content.first?["token"] as? String == "Hi")
        #expect(writer.roleChunk(index: 0).text.contains(#""logprobs":null"#))
        #expect(writer.chunk(for: .finished(.stop, usage: .init(promptTokens: 1, completionTokens: 1)), index: 0).text
            .contains(#""delta":{},"logprobs":null,"finish_reason":"stop""#))
    }

    @Test("an impossible token's -inf log-probability is written as -9999.0, keeping the JSON valid")
    func infiniteLogprob() throws {
        let token = TokenLogprob(token: "x", bytes: [120], logprob: -.infinity)
        let response = ChatCompletionResponse(
            id: "i", created: 0, model: "m",
            choices: [.init(content: "x", logprobs: [TokenLogprobs(chosen: token, top: [token])], finishReason: .stop)],
            usage: .init(promptTokens: 1, completionTokens: 1))
        #expect(response.jsonBytes().text.contains(#""logprob":-9999.0,"#))
        _ = try jsonObject(response.jsonBytes())
    }

    @Test("ids have OpenAI's prefix and are fresh each time")
    func ids() {
        let first = ChatCompletionResponse.makeID(), second = ChatCompletionResponse.makeID()
        #expect(first.hasPrefix("chatcmpl-") && first.count == 38)
        #expect(first != second)
        #expect(CompletionResponse.makeID().hasPrefix("cmpl-"))
    }
}
