import Foundation
import Hummingbird
import HummingbirdTesting
import OpenAIAPI
import Testing
@testable import GatewayServer

#if canImport(Glibc)
import Glibc
#endif

/// The onnxruntime-genai Python API's greedy outputs on the default chat model (tools/genai_fixtures.py).
struct GenAIReference: Decodable {
    struct Chat: Decodable {
        let name: String
        let messagesJSON: String
        let promptIDs: [Int]
        let greedyIDs: [Int]
        let greedyText: String

        enum CodingKeys: String, CodingKey {
            case name
            case messagesJSON = "messages_json"
            case promptIDs = "prompt_ids"
            case greedyIDs = "greedy_ids"
            case greedyText = "greedy_text"
        }

        var messages: Any { (try? JSONSerialization.jsonObject(with: Data(messagesJSON.utf8))) ?? [] }
    }

    let newTokens: Int
    let eosTokenIDs: [Int]
    let chats: [Chat]

    enum CodingKeys: String, CodingKey {
        case chats
        case newTokens = "new_tokens"
        case eosTokenIDs = "eos_token_ids"
    }

    static let shared: GenAIReference? = {
        let url = TestEnvironment.root.appendingPathComponent("Tests/ONNXRuntimeTests/Fixtures/genai_reference.json")
        return try? JSONDecoder().decode(GenAIReference.self, from: Data(contentsOf: url))
    }()
}

private let chatModel = defaultChatModel

/// The `data:` payloads of an SSE body, in order.
private func sseEvents(_ body: ByteBuffer) -> [String] {
    String(buffer: body).components(separatedBy: "\n\n").filter { !$0.isEmpty }.map {
        $0.hasPrefix("data: ") ? String($0.dropFirst(6)) : "<not data: \($0)>"
    }
}

/// A usage object's counts: its integers, and `cached_tokens` from `prompt_tokens_details`.
func usageCounts(_ value: Any?) -> [String: Int] {
    guard let object = value as? [String: Any] else { return [:] }
    var counts: [String: Int] = [:]
    for (key, value) in object {
        if let count = value as? Int { counts[key] = count }
    }
    if let details = object["prompt_tokens_details"] as? [String: Any], let cached = details["cached_tokens"] as? Int {
        counts["cached_tokens"] = cached
    }
    return counts
}

private func chatContent(_ response: TestResponse) throws -> (content: String, finish: String, usage: [String: Int]) {
    let object = try jsonObject(response.body)
    let choice = try #require((object["choices"] as? [[String: Any]])?.first)
    let message = try #require(choice["message"] as? [String: Any])
    return (message["content"] as? String ?? "", choice["finish_reason"] as? String ?? "",
            usageCounts(object["usage"]))
}

@Suite("Chat and completions on the real default chat model")
struct ChatRouteTests {
    @Test("the decode engine serves: a repeated prompt reuses its cached prefix and answers exactly as cold")
    func prefixCacheThroughHTTP() async throws {
        let reference = try #require(GenAIReference.shared, "Tests/ONNXRuntimeTests/Fixtures/genai_reference.json")
        let chat = reference.chats[0]
        try await makeApplication().test(.router) { client in
            let body: [String: Any] = ["model": chatModel, "messages": chat.messages, "temperature": 0,
                                       "max_tokens": reference.newTokens]
            let cold = try chatContent(try await postJSON(client, "/v1/chat/completions", body))
            let warm = try chatContent(try await postJSON(client, "/v1/chat/completions", body))
            #expect(warm.content == cold.content && warm.finish == cold.finish)
            #expect(cold.usage["cached_tokens"] == 0)
            #expect(warm.usage["cached_tokens"] == chat.promptIDs.count - 2, "all but the last two prompt tokens")
            #expect(warm.usage["prompt_tokens"] == chat.promptIDs.count)
            let listed = try jsonObject(try await client.execute(uri: "/v1/models/\(chatModel)", method: .get).body)
            #expect(listed["engine"] as? String == "ai-gateway")
            #expect(listed["kv_cache_rows"] as? Int == 8 && listed["kv_cache_row_tokens"] as? Int == 2048)
            #expect(listed["context_length"] as? Int == 2048)
            #expect(listed["tool_template"] as? String == "default_block", "SmolLM2's template ignores tools")
            #expect(listed["tool_call_format"] as? String == "tool_call_tags")
        }
    }

    @Test("response_format json_object and json_schema give valid JSON; schemas the grammar refuses are 400s")
    func structuredOutput() async throws {
        try await makeApplication().test(.router) { client in
            let messages = [["role": "user", "content": "Describe a cat called Tom, aged 3, as JSON."]]
            let object = try chatContent(try await postJSON(client, "/v1/chat/completions", [
                "model": chatModel, "max_tokens": 120, "temperature": 0, "response_format": ["type": "json_object"],
                "messages": [["role": "user",
                              "content": "Give the capital of France as a JSON object with the key capital."]],
            ]))
            #expect(object.finish == "stop", "\(object.content)")
            let capital = try JSONSerialization.jsonObject(with: Data(object.content.utf8)) as? [String: Any]
            #expect(capital?["capital"] as? String == "Paris", "\(object.content)")
            let schema: [String: Any] = [
                "type": "object", "additionalProperties": false, "required": ["name", "age"],
                "properties": ["name": ["type": "string", "maxLength": 16], "age": ["type": "integer"]],
            ]
            for temperature in [0.0, 1.0] {
                let response = try chatContent(try await postJSON(client, "/v1/chat/completions", [
                    "model": chatModel, "messages": messages, "max_tokens": 80, "temperature": temperature,
                    "response_format": ["type": "json_schema",
                                        "json_schema": ["name": "cat", "strict": true, "schema": schema]],
                ]))
                let parsed = try #require(
                    try JSONSerialization.jsonObject(with: Data(response.content.utf8)) as? [String: Any],
                    "\(response.content)")
                #expect(Set(parsed.keys) == ["name", "age"] && parsed["age"] is Int, "\(response.content)")
            }
            let refused = try await postJSON(client, "/v1/chat/completions", [
                "model": chatModel, "messages": messages,
                "response_format": ["type": "json_schema",
                                    "json_schema": ["name": "bad", "schema": ["type": "string", "pattern": "([a-z"]]],
            ])
            let envelope = try expectErrorEnvelope(refused, status: .badRequest, type: "invalid_request_error",
                                                   param: "response_format", code: "invalid_value")
            #expect(envelope.error.message.contains("Invalid grammar"), "\(envelope.error.message)")
            // vLLM's extension fields.
            let phone = try chatContent(try await postJSON(client, "/v1/chat/completions", [
                "model": chatModel, "messages": messages, "max_tokens": 20, "guided_regex": "[0-9]{3}-[0-9]{4}",
            ]))
            #expect(phone.content.wholeMatch(of: /[0-9]{3}-[0-9]{4}/) != nil, "\(phone.content)")
            let choice = try chatContent(try await postJSON(client, "/v1/chat/completions", [
                "model": chatModel, "messages": messages, "max_tokens": 20, "guided_choice": ["cat", "dog"],
            ]))
            #expect(["cat", "dog"].contains(choice.content) && choice.finish == "stop", "\(choice.content)")
            try expectErrorEnvelope(
                try await postJSON(client, "/v1/chat/completions", [
                    "model": chatModel, "messages": messages, "guided_regex": "([a-z",
                ]), status: .badRequest, type: "invalid_request_error", param: "guided_regex", code: "invalid_value")
        }
    }

    @Test("logit_bias and min_p are honoured; a token outside the vocabulary is a 400")
    func logitBiasAndMinP() async throws {
        let reference = try #require(GenAIReference.shared, "Tests/ONNXRuntimeTests/Fixtures/genai_reference.json")
        let chat = reference.chats[0]
        let eos = try #require(reference.eosTokenIDs.first)
        try await makeApplication().test(.router) { client in
            // +100 on the end-of-sequence token: the answer ends at once.
            let ended = try chatContent(try await postJSON(client, "/v1/chat/completions", [
                "model": chatModel, "messages": chat.messages, "max_tokens": 20,
                "logit_bias": ["\(eos)": 100],
            ]))
            #expect(ended.content == "" && ended.finish == "stop" && ended.usage["completion_tokens"] == 0)
            // min_p 1 keeps only the most likely token: sampling at temperature 1 gives the greedy answer.
            let greedy = try chatContent(try await postJSON(client, "/v1/chat/completions", [
                "model": chatModel, "messages": chat.messages, "max_tokens": 12, "temperature": 0,
            ]))
            let minP = try chatContent(try await postJSON(client, "/v1/chat/completions", [
                "model": chatModel, "messages": chat.messages, "max_tokens": 12, "temperature": 1, "min_p": 1,
            ]))
            #expect(minP.content == greedy.content)
            try expectErrorEnvelope(
                try await postJSON(client, "/v1/chat/completions", [
                    "model": chatModel, "messages": chat.messages, "logit_bias": ["49152": 5],
                ]),
                status: .badRequest, type: "invalid_request_error", param: "logit_bias", code: "invalid_value")
        }
    }

    @Test("greedy output equals onnxruntime-genai's Python API on 5 prompts, with exact usage")
    func greedyMatchesPython() async throws {
        let reference = try #require(GenAIReference.shared, "Tests/ONNXRuntimeTests/Fixtures/genai_reference.json")
        #expect(reference.chats.count == 5)
        try await makeApplication().test(.router) { client in
            for chat in reference.chats {
                let response = try await postJSON(client, "/v1/chat/completions", [
                    "model": chatModel, "messages": chat.messages, "temperature": 0,
                    "max_tokens": reference.newTokens,
                ])
                #expect(response.status == .ok, "\(String(buffer: response.body).prefix(300))")
                #expect(response.headers[.init("X-Execution-Provider")!] == "CPUExecutionProvider")
                let (content, finish, usage) = try chatContent(response)
                let generated = chat.greedyIDs.filter { !reference.eosTokenIDs.contains($0) }
                // Python decodes all ids at once, so a character cut by the token limit shows as U+FFFD; the
                // server's incremental decoder never emits a partial character.
                let expectedText = generated.count < chat.greedyIDs.count ? chat.greedyText
                    : String(chat.greedyText.reversed().drop { $0 == "\u{FFFD}" }.reversed())
                #expect(content == expectedText, "\(chat.name)")
                #expect(usage["prompt_tokens"] == chat.promptIDs.count, "\(chat.name)")
                #expect(usage["completion_tokens"] == generated.count, "\(chat.name)")
                #expect(usage["total_tokens"] == chat.promptIDs.count + generated.count)
                #expect(finish == (generated.count < chat.greedyIDs.count ? "stop" : "length"), "\(chat.name)")
            }
        }
    }

    @Test("streaming gives the same text as non-streaming, in OpenAI's chunk sequence")
    func streamingEqualsNonStreaming() async throws {
        try await makeApplication().test(.router) { client in
            let request: [String: Any] = [
                "model": chatModel, "messages": [["role": "user", "content": "Name three colours."]],
                "temperature": 0, "max_tokens": 24,
            ]
            let plain = try chatContent(try await postJSON(client, "/v1/chat/completions", request))
            var streaming = request
            streaming["stream"] = true
            streaming["stream_options"] = ["include_usage": true]
            let response = try await postJSON(client, "/v1/chat/completions", streaming)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "text/event-stream")
            let events = sseEvents(response.body)
            #expect(events.last == "[DONE]")
            let chunks = try events.dropLast().map {
                try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
            }
            let ids = Set(chunks.compactMap { $0["id"] as? String })
            #expect(ids.count == 1 && ids.first?.hasPrefix("chatcmpl-") == true)
            #expect(chunks.allSatisfy { $0["object"] as? String == "chat.completion.chunk" })
            let choices = chunks.map { ($0["choices"] as? [[String: Any]]) ?? [] }
            let firstDelta = choices.first?.first?["delta"] as? [String: Any]
            #expect(firstDelta?["role"] as? String == "assistant")
            let text = choices.flatMap { $0 }.compactMap { ($0["delta"] as? [String: Any])?["content"] as? String }
                .joined()
            #expect(text == plain.content)
            let finishes = choices.flatMap { $0 }.compactMap { $0["finish_reason"] as? String }
            #expect(finishes == [plain.finish])
            #expect(choices.last?.isEmpty == true, "the usage chunk has no choices")
            // The same counts; the stream, second, reuses the prompt the first request cached.
            var streamed = usageCounts(chunks.last?["usage"])
            #expect(streamed.removeValue(forKey: "cached_tokens") ?? 0 > 0)
            var counted = plain.usage
            counted["cached_tokens"] = nil
            #expect(streamed == counted)
        }
    }

    @Test("max_tokens ends with finish_reason length and the exact count; stop strings are never emitted")
    func lengthAndStop() async throws {
        try await makeApplication().test(.router) { client in
            let messages = [["role": "user", "content": "Write a haiku about the sea."]]
            let long = try chatContent(try await postJSON(client, "/v1/chat/completions", [
                "model": chatModel, "messages": messages, "temperature": 0, "max_tokens": 40,
            ]))
            #expect(long.finish == "length")
            #expect(long.usage["completion_tokens"] == 40)
            let short = try chatContent(try await postJSON(client, "/v1/chat/completions", [
                "model": chatModel, "messages": messages, "temperature": 0, "max_tokens": 5,
            ]))
            #expect(short.finish == "length")
            #expect(short.usage["completion_tokens"] == 5)
            #expect(long.content.hasPrefix(short.content))
            // A stop string from the middle of the greedy text (spanning tokens): the text before it, reason stop.
            let words = long.content.split(separator: " ")
            try #require(words.count > 6)
            let stop = words[3...4].joined(separator: " ")
            let before = String(long.content[..<long.content.range(of: stop)!.lowerBound])
            for stream in [false, true] {
                let response = try await postJSON(client, "/v1/chat/completions", [
                    "model": chatModel, "messages": messages, "temperature": 0, "max_tokens": 40,
                    "stop": ["zzzz-never", stop], "stream": stream,
                ])
                if stream {
                    let text = sseEvents(response.body).dropLast().compactMap { event -> String? in
                        let object = try? JSONSerialization.jsonObject(with: Data(event.utf8)) as? [String: Any]
                        let choice = (object?["choices"] as? [[String: Any]])?.first
                        return (choice?["delta"] as? [String: Any])?["content"] as? String
                    }.joined()
                    #expect(text == before)
                } else {
                    let result = try chatContent(response)
                    #expect(result.content == before)
                    #expect(result.finish == "stop")
                }
            }
        }
    }

    @Test("seed makes sampling reproducible; n=3 gives three choices")
    func seedAndN() async throws {
        try await makeApplication().test(.router) { client in
            let request: [String: Any] = [
                "model": chatModel, "messages": [["role": "user", "content": "Tell me a short story."]],
                "temperature": 1.0, "top_p": 0.95, "seed": 1234, "max_tokens": 24,
            ]
            let first = try chatContent(try await postJSON(client, "/v1/chat/completions", request))
            let second = try chatContent(try await postJSON(client, "/v1/chat/completions", request))
            #expect(first.content == second.content)
            var other = request
            other["seed"] = 99
            var three = request
            three["n"] = 3
            let response = try await postJSON(client, "/v1/chat/completions", three)
            let object = try jsonObject(response.body)
            let choices = try #require(object["choices"] as? [[String: Any]])
            #expect(choices.map { $0["index"] as? Int } == [0, 1, 2])
            let usage = usageCounts(object["usage"])
            #expect(usage["completion_tokens"] == 72)
            let contents = choices.compactMap { ($0["message"] as? [String: Any])?["content"] as? String }
            #expect(contents.first == first.content, "choice 0 uses the request's seed")
            #expect(Set(contents).count > 1, "different seeds per choice give different samples")
        }
    }

    @Test("logprobs: OpenAI's shape, every value ≤ 0, the greedy token first among its alternatives")
    func logprobs() async throws {
        try await makeApplication().test(.router) { client in
            let response = try await postJSON(client, "/v1/chat/completions", [
                "model": chatModel, "messages": [["role": "user", "content": "Count to five."]],
                "temperature": 0, "max_tokens": 12, "logprobs": true, "top_logprobs": 3,
            ])
            #expect(response.status == .ok)
            let object = try jsonObject(response.body)
            let choice = try #require((object["choices"] as? [[String: Any]])?.first)
            let logprobs = try #require(choice["logprobs"] as? [String: Any])
            let content = try #require(logprobs["content"] as? [[String: Any]])
            #expect(content.count == 12)
            let text = (choice["message"] as? [String: Any])?["content"] as? String
            #expect(content.compactMap { $0["token"] as? String }.joined() == text)
            for entry in content {
                let logprob = try #require(entry["logprob"] as? Double)
                #expect(logprob <= 0)
                let top = try #require(entry["top_logprobs"] as? [[String: Any]])
                #expect(top.count == 3)
                let values = top.compactMap { $0["logprob"] as? Double }
                #expect(values == values.sorted(by: >))
                #expect(values.allSatisfy { $0 <= 0 })
                #expect(top.first?["token"] as? String == entry["token"] as? String)
                #expect(abs((values.first ?? 1) - logprob) < 1e-9)
                #expect(entry["bytes"] is [Int])
            }
        }
    }

    @Test("logprobs with tool calls cover the content only, never the call markup, streamed or not")
    func toolCallLogprobs() async throws {
        try await makeApplication().test(.router) { client in
            var request: [String: Any] = [
                "model": chatModel, "messages": [["role": "user", "content": "What is the weather in Paris?"]],
                "temperature": 0, "max_tokens": 60, "logprobs": true, "tool_choice": "required",
                "parallel_tool_calls": false,
                "tools": [["type": "function", "function": [
                    "name": "get_weather",
                    "parameters": ["type": "object", "properties": ["city": ["type": "string", "maxLength": 12]],
                                   "required": ["city"], "additionalProperties": false],
                ]]],
            ]
            let response = try await postJSON(client, "/v1/chat/completions", request)
            #expect(response.status == .ok, "\(String(buffer: response.body).prefix(300))")
            let choice = try #require((try jsonObject(response.body)["choices"] as? [[String: Any]])?.first)
            #expect(choice["finish_reason"] as? String == "tool_calls", "\(choice)")
            let message = try #require(choice["message"] as? [String: Any])
            #expect((message["tool_calls"] as? [Any])?.count == 1)
            #expect(message["content"] is NSNull)
            let logprobs = try #require(choice["logprobs"] as? [String: Any])
            #expect((logprobs["content"] as? [Any])?.isEmpty == true, "\(logprobs)")
            request["stream"] = true
            let stream = String(buffer: try await postJSON(client, "/v1/chat/completions", request).body)
            #expect(stream.contains("get_weather"))
            #expect(!stream.contains(#""logprobs":{"#), "\(stream.prefix(600))")
        }
    }

    @Test("16 concurrent streams on their own connections all complete with the right text")
    func concurrentStreams() async throws {
        try await makeApplication().test(.live) { client in
            let port = try #require(client.port)
            let messages = [["role": "user", "content": "What is two plus two?"]]
            let expected = try chatContent(try await postJSON(client, "/v1/chat/completions", [
                "model": chatModel, "messages": messages, "temperature": 0, "max_tokens": 16,
            ])).content
            let body = Array(try JSONSerialization.data(withJSONObject: [
                "model": chatModel, "messages": messages, "temperature": 0, "max_tokens": 16, "stream": true,
            ] as [String: Any]))
            let head = ["POST /v1/chat/completions HTTP/1.1", "Host: 127.0.0.1", "Content-Type: application/json",
                        "Content-Length: \(body.count)", "Connection: close"]
            try await withThrowingTaskGroup(of: String.self) { group in
                for _ in 0..<16 {
                    group.addTask {
                        let response = try await RawHTTP.perform(port: port, head: head, body: body, timeoutSeconds: 120)
                        #expect(response.status == 200)
                        let events = sseEvents(ByteBuffer(bytes: Array(response.body)))
                        #expect(events.last == "[DONE]")
                        return events.dropLast().compactMap { event -> String? in
                            let object = try? JSONSerialization.jsonObject(with: Data(event.utf8)) as? [String: Any]
                            let choice = (object?["choices"] as? [[String: Any]])?.first
                            return (choice?["delta"] as? [String: Any])?["content"] as? String
                        }.joined()
                    }
                }
                var count = 0
                for try await text in group {
                    #expect(text == expected)
                    count += 1
                }
                #expect(count == 16)
            }
        }
    }

    @Test("frequency and presence penalties change greedy output and cut repetition")
    func penalties() async throws {
        try await makeApplication().test(.router) { client in
            let messages = [["role": "user", "content": "What is the capital of France?"]]
            let plain = try chatContent(try await postJSON(client, "/v1/chat/completions", [
                "model": chatModel, "messages": messages, "temperature": 0, "max_tokens": 32,
            ])).content
            func repeats(_ text: String) -> Int {
                let words = text.split(separator: " ").map { $0.lowercased() }
                return words.count - Set(words).count
            }
            for field in ["frequency_penalty", "presence_penalty"] {
                let penalised = try chatContent(try await postJSON(client, "/v1/chat/completions", [
                    "model": chatModel, "messages": messages, "temperature": 0, "max_tokens": 32, field: 2.0,
                ])).content
                #expect(penalised != plain, "\(field)")
                #expect(repeats(penalised) < repeats(plain), "\(field): '\(penalised)' vs '\(plain)'")
            }
        }
    }

    @Test("legacy completions: prompt arrays, echo, n and logprobs")
    func legacyCompletions() async throws {
        try await makeApplication().test(.router) { client in
            let response = try await postJSON(client, "/v1/completions", [
                "model": chatModel, "prompt": ["The capital of France is", "One, two, three,"], "temperature": 0,
                "max_tokens": 6, "echo": true, "n": 2,
            ])
            #expect(response.status == .ok, "\(String(buffer: response.body).prefix(300))")
            let object = try jsonObject(response.body)
            #expect(object["object"] as? String == "text_completion")
            let choices = try #require(object["choices"] as? [[String: Any]])
            #expect(choices.count == 4)
            let texts = choices.compactMap { $0["text"] as? String }
            #expect(texts[0].hasPrefix("The capital of France is") && texts[0] == texts[1])
            #expect(texts[2].hasPrefix("One, two, three,"))
            let usage = usageCounts(object["usage"])
            #expect(usage["completion_tokens"] == 24)
            let suffix = try await postJSON(client, "/v1/completions", [
                "model": chatModel, "prompt": "a", "suffix": "b",
            ])
            try expectErrorEnvelope(suffix, status: .badRequest, type: "invalid_request_error", param: "suffix",
                                    code: "unsupported_parameter")
        }
    }

    @Test("bad requests: unknown model, wrong kind, unsupported fields, context overflow")
    func badRequests() async throws {
        try await makeApplication().test(.router) { client in
            let messages = [["role": "user", "content": "hi"]]
            try expectErrorEnvelope(
                try await postJSON(client, "/v1/chat/completions", ["model": "nope", "messages": messages]),
                status: .notFound, type: "invalid_request_error", param: "model", code: "model_not_found")
            try expectErrorEnvelope(
                try await postJSON(client, "/v1/chat/completions",
                                   ["model": TestEnvironment.defaultEmbeddingModel, "messages": messages]),
                status: .badRequest, type: "invalid_request_error", param: "model", code: "model_not_supported")
            // A tool schema the grammar compiler cannot take names `tools`.
            let tools = try await postJSON(client, "/v1/chat/completions", [
                "model": chatModel, "messages": messages, "tool_choice": "required",
                "tools": [["type": "function", "function": [
                    "name": "f", "parameters": ["type": "object", "properties": ["a": ["type": "tensor"]]],
                ]]],
            ])
            #expect(tools.status == .badRequest)
            #expect(try decodeError(tools.body).error.param == "tools")
            // A stop string inside this model's call markup would end every call before it began.
            try expectErrorEnvelope(
                try await postJSON(client, "/v1/chat/completions", [
                    "model": chatModel, "messages": messages, "stop": ["\n"],
                    "tools": [["type": "function", "function": ["name": "f"]]],
                ]),
                status: .badRequest, type: "invalid_request_error", param: "stop", code: "invalid_value")
            try expectErrorEnvelope(
                try await postJSON(client, "/v1/chat/completions",
                                   ["model": chatModel, "messages": messages, "max_tokens": 9000]),
                status: .badRequest, type: "invalid_request_error", param: "max_tokens",
                code: "context_length_exceeded")
            let long = String(repeating: "word ", count: 9000)
            try expectErrorEnvelope(
                try await postJSON(client, "/v1/chat/completions",
                                   ["model": chatModel, "messages": [["role": "user", "content": long]]]),
                status: .badRequest, type: "invalid_request_error", param: "messages", code: "context_length_exceeded")
            try expectErrorEnvelope(
                try await postJSON(client, "/v1/chat/completions", ["model": chatModel, "messages": [
                    ["role": "user", "content": [["type": "image_url", "image_url": ["url": "x"]]]],
                ]]),
                status: .badRequest, type: "invalid_request_error", param: "messages[0].content[0].type",
                code: "unsupported_value")
        }
    }

    @Test("a full queue gets 429 with Retry-After")
    func queueFull() async throws {
        var configuration = makeConfiguration()
        configuration.maxParallelGenerations = 1
        configuration.maxBatchSize = 1
        configuration.maxQueuedGenerations = 0
        try await makeApplication(configuration).test(.live) { client in
            let port = try #require(client.port)
            let slow = Array(try JSONSerialization.data(withJSONObject: [
                "model": chatModel, "messages": [["role": "user", "content": "Write a very long essay about ships."]],
                "temperature": 0.8, "max_tokens": 2000, "stream": true, "logit_bias": ["2": -100],
            ] as [String: Any]))
            // A stream on its own connection holds the only wave (its end-of-sequence token barred, so it cannot end
            // early); a second connection is then refused.
            let held = try await openStreamOffPool(port: port, body: slow)
            defer { close(held) }
            let body = Array(try JSONSerialization.data(withJSONObject: [
                "model": chatModel, "messages": [["role": "user", "content": "hi"]], "max_tokens": 2,
            ] as [String: Any]))
            let refused = try await RawHTTP.perform(port: port, head: [
                "POST /v1/chat/completions HTTP/1.1", "Host: 127.0.0.1", "Content-Type: application/json",
                "Content-Length: \(body.count)", "Connection: close",
            ], body: body)
            #expect(refused.status == 429, "\(refused.bodyText)")
            #expect(refused.headers["retry-after"] == "1")
            let envelope = try JSONDecoder().decode(ErrorEnvelope.self, from: refused.body)
            #expect(envelope.error.type == "rate_limit_error")
            #expect(envelope.error.code == "rate_limit_exceeded")
        }
    }
}
