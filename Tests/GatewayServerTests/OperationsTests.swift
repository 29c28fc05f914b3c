import Foundation
import Hummingbird
import HTTPTypes
import HummingbirdTesting
import Logging
import GatewayCore
import OpenAIAPI
import Testing
@testable import GatewayServer

#if canImport(Glibc)
import Glibc
#endif

private let chatModel = defaultChatModel
private let embeddingModel = "all-minilm-l6-v2"

private func postRaw(_ client: some TestClientProtocol, _ uri: String, raw: String) async throws -> TestResponse {
    try await client.execute(uri: uri, method: .post, headers: [.contentType: "application/json"],
                             body: ByteBuffer(string: raw))
}

private func activeGenerations(_ client: some TestClientProtocol) async throws -> Int {
    try jsonObject(try await client.execute(uri: "/health", method: .get).body)["active_generations"] as? Int ?? -1
}

/// Polls `/health` until no generation runs or `seconds` pass; returns the last count.
private func waitForIdle(_ client: some TestClientProtocol, seconds: Double) async throws -> Int {
    let deadline = ContinuousClock.now + .milliseconds(Int64(seconds * 1000))
    var active = try await activeGenerations(client)
    while active != 0 && ContinuousClock.now < deadline {
        try await Task.sleep(for: .milliseconds(20))
        active = try await activeGenerations(client)
    }
    return active
}

/// How many chat decode steps the process has run (`aigw_batch_size_count` for the default chat model).
private func decodeSteps(_ client: some TestClientProtocol) async throws -> Double {
    let text = String(buffer: try await client.execute(uri: "/metrics", method: .get).body)
    let prefix = #"aigw_batch_size_count{model="\#(chatModel)",provider="CPUExecutionProvider",kind="chat"} "#
    guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix(prefix) }) else { return 0 }
    return Double(line.dropFirst(prefix.count)) ?? 0
}

/// `logit_bias` that bars the default chat model's end-of-sequence token: a generation that runs to `max_tokens`.
private var neverEnds: [String: Any] { ["logit_bias": ["2": -100]] }

private func chat(_ content: String = "Write a very long essay about the history of ships.", maxTokens: Int? = nil,
                  stream: Bool = false, extra: [String: Any] = [:]) -> [String: Any] {
    var body: [String: Any] = ["model": chatModel, "stream": stream, "temperature": 0.8,
                               "messages": [["role": "user", "content": content]]]
    if let maxTokens { body["max_tokens"] = maxTokens }
    return body.merging(extra) { $1 }
}

@Suite("Operations: regressions found as a new user, through the real server and models", .serialized)
struct OperationsRegressionTests {
    @Test("max_tokens at Int64.max and other integer edges are 400s, and the server lives on")
    func integerEdges() async throws {
        try await makeApplication().test(.router) { client in
            for value in ["9223372036854775807", "9223372036854775806", "4294967296", "2147483648"] {
                let response = try await postRaw(client, "/v1/chat/completions", raw: """
                    {"model":"\(chatModel)","max_tokens":\(value),"messages":[{"role":"user","content":"hi"}]}
                    """)
                try expectErrorEnvelope(response, status: .badRequest, type: "invalid_request_error",
                                        param: "max_tokens", code: "context_length_exceeded")
                let completion = try await postRaw(client, "/v1/completions", raw: """
                    {"model":"\(chatModel)","max_tokens":\(value),"prompt":"hi"}
                    """)
                try expectErrorEnvelope(completion, status: .badRequest, type: "invalid_request_error",
                                        param: "max_tokens", code: "context_length_exceeded")
            }
            for value in ["9223372036854775808", "-9223372036854775808", "1e308", "1.5"] {
                let response = try await postRaw(client, "/v1/chat/completions", raw: """
                    {"model":"\(chatModel)","max_tokens":\(value),"messages":[{"role":"user","content":"hi"}]}
                    """)
                #expect(response.status == .badRequest, "max_tokens \(value): \(String(buffer: response.body))")
            }
            let health = try await client.execute(uri: "/health", method: .get)
            #expect(health.status == .ok)
        }
    }

    @Test("NUL in any text field of any route: 400 naming the field")
    func nulRefused() async throws {
        try await makeApplication().test(.router) { client in
            let cases: [(String, String, String)] = [
                ("/v1/completions", #"{"model":"\#(chatModel)","prompt":"a\u0000b"}"#, "prompt"),
                ("/v1/completions", #"{"model":"\#(chatModel)","prompt":["ok","a\u0000"]}"#, "prompt[1]"),
                ("/v1/chat/completions",
                 #"{"model":"\#(chatModel)","messages":[{"role":"user","content":"x\u0000"}]}"#, "messages[0].content"),
                ("/v1/chat/completions",
                 #"{"model":"\#(chatModel)","stop":["\u0000"],"messages":[{"role":"user","content":"x"}]}"#, "stop[0]"),
                ("/v1/embeddings", #"{"model":"\#(embeddingModel)","input":["a","b\u0000"]}"#, "input[1]"),
                ("/v1/embeddings", #"{"model":"all\u0000","input":"a"}"#, "model"),
                ("/v1/embeddings", #"{"model":"\#(embeddingModel)","input":"a","user":"\u0000"}"#, "user"),
            ]
            for (uri, body, param) in cases {
                let response = try await postRaw(client, uri, raw: body)
                try expectErrorEnvelope(response, status: .badRequest, type: "invalid_request_error", param: param,
                                        code: "invalid_value")
            }
            // An escaped backslash before "u0000" is ordinary text, not NUL.
            let text = try await postRaw(client, "/v1/embeddings",
                                         raw: #"{"model":"\#(embeddingModel)","input":"back\\u0000slash"}"#)
            #expect(text.status == .ok, "\(String(buffer: text.body))")
        }
    }

    @Test("10 dropped non-streaming requests: no generation runs 2 s later")
    func nonStreamingDisconnect() async throws {
        var configuration = makeConfiguration()
        configuration.maxParallelGenerations = 10
        try await makeApplication(configuration).test(.live) { client in
            let port = try #require(client.port)
            let warm = try await postJSON(client, "/v1/chat/completions", chat(maxTokens: 2))
            #expect(warm.status == .ok)
            let body = Array(try JSONSerialization.data(withJSONObject: chat(maxTokens: 2000, extra: neverEnds)))
            var sockets: [Int32] = []
            for _ in 0..<10 {
                sockets.append(try await MisbehavingClient.send(port: port, path: "/v1/chat/completions", body: body))
            }
            var during = 0
            for _ in 0..<250 where during < 10 {
                try await Task.sleep(for: .milliseconds(20))
                during = try await activeGenerations(client)
            }
            #expect(during > 0, "the dropped requests should have started generating")
            // Drop them once they are decoding (not while the generator is still being set up): the metrics count
            // decode steps.
            let before = try await decodeSteps(client)
            for _ in 0..<500 where try await decodeSteps(client) < before + 5 {
                try await Task.sleep(for: .milliseconds(20))
            }
            for fd in sockets { close(fd) }
            let active = try await waitForIdle(client, seconds: 2)
            #expect(active == 0, "\(active) generations still running 2 s after their clients left")
        }
    }

    @Test("requests while a model load fails get 503 with the reason, the first and concurrent ones alike")
    func failingLoadIs503() async throws {
        try await withTemporaryDirectory { folder in
            let broken = folder.appendingPathComponent("broken-chat")
            try FileManager.default.createDirectory(at: broken, withIntermediateDirectories: true)
            try Data(#"{"model": {"type": "llama", "decoder": {"filename": "missing.onnx"}}}"#.utf8)
                .write(to: broken.appendingPathComponent("genai_config.json"))
            let sink = LogSink()
            let logger = Logger(label: "test") { _ in sink.handler }
            let app = buildApplication(configuration: makeConfiguration(modelsDirectory: folder.path),
                                       runtime: TestEnvironment.runtime, logger: logger)
            try await app.test(.router) { client in
                let responses = try await withThrowingTaskGroup(of: TestResponse.self) { group in
                    for _ in 0..<6 {
                        group.addTask {
                            try await postJSON(client, "/v1/chat/completions", [
                                "model": "broken-chat", "messages": [["role": "user", "content": "hi"]],
                            ])
                        }
                    }
                    var all: [TestResponse] = []
                    for try await response in group { all.append(response) }
                    return all
                }
                for response in responses {
                    let envelope = try expectErrorEnvelope(response, status: .serviceUnavailable, type: "server_error",
                                                           code: "model_load_failed")
                    #expect(envelope.error.message.contains("broken-chat"))
                    #expect(response.headers[.retryAfter] == "1")
                }
                // The request id reaches the core through the logger's metadata: the load failure is logged with
                // the id of a request that asked for the model.
                let ids = Set(responses.compactMap { $0.headers[.requestID] })
                let failures = sink.entries.filter { $0.message.hasPrefix("cannot load broken-chat") }
                #expect(!failures.isEmpty)
                #expect(failures.allSatisfy { $0.metadata["hb.request.id"].map(ids.contains) == true })
            }
        }
    }

    @Test("a full embeddings queue answers 429 with Retry-After; the others succeed")
    func embeddingsQueueBound() async throws {
        var configuration = makeConfiguration()
        configuration.maxQueuedEmbeddingInputs = 16
        try await makeApplication(configuration).test(.router) { client in
            let texts = (0..<16).map { "text number \($0) " + String(repeating: "long words go here ", count: 20) }
            let statuses = try await withThrowingTaskGroup(of: (HTTPResponse.Status, String?).self) { group in
                for _ in 0..<12 {
                    group.addTask {
                        let response = try await postJSON(client, "/v1/embeddings", ["model": embeddingModel, "input": texts])
                        if response.status == .tooManyRequests {
                            try expectErrorEnvelope(response, status: .tooManyRequests, type: "rate_limit_error",
                                                    code: "rate_limit_exceeded")
                        }
                        return (response.status, response.headers[.retryAfter])
                    }
                }
                var all: [(HTTPResponse.Status, String?)] = []
                for try await status in group { all.append(status) }
                return all
            }
            let refused = statuses.filter { $0.0 == .tooManyRequests }
            #expect(!refused.isEmpty, "12 concurrent 16-text requests should overflow a 16-input queue")
            #expect(refused.allSatisfy { $0.1 == "1" })
            #expect(statuses.contains { $0.0 == .ok })
            #expect(statuses.allSatisfy { $0.0 == .ok || $0.0 == .tooManyRequests })
        }
    }

    @Test("a generation whose consumer never reads stops once its buffer is full, and says so")
    func slowReaderIsBounded() async throws {
        var configuration = makeConfiguration()
        configuration.streamBufferEvents = 8
        let manager = ModelManager(
            catalog: ModelCatalog.scan(directory: URL(fileURLWithPath: configuration.modelsDirectory)),
            runtime: TestEnvironment.runtime, configuration: configuration, registry: ModelRegistry(),
            logger: TestEnvironment.logger)
        let engine = try await manager.chatEngine(id: chatModel).value
        let prompt = try engine.promptTokens(text: "Once upon a time, in a land far away,")
        let stream = try await engine.start(prompt: prompt, parameters: GenerationParameters(
            maxTokens: 4000, temperature: 0.8, seed: 3))
        // 4000 tokens take most of a minute; a consumer that reads nothing stops it after 8 events.
        var active = 1
        for _ in 0..<500 where active != 0 {
            try await Task.sleep(for: .milliseconds(20))
            active = engine.activeCount
        }
        #expect(active == 0, "the generation kept running for a consumer that reads nothing")
        var events = 0
        let error = await #expect(throws: ServingError.self) {
            for try await _ in stream { events += 1 }
        }
        #expect(error?.code == .consumerTooSlow)
        #expect(events == 8, "the buffered events are still delivered before the error")
        await manager.shutdown()
    }

    @Test("merging streams: a consumer that does not read stops every producer past the limit")
    func mergeIsBounded() async throws {
        let stopped = LockedValue(0)
        let streams = (0..<2).map { _ in
            AsyncThrowingStream<GenerationEvent, any Error> { continuation in
                let task = Task {
                    for _ in 0..<10_000 {
                        continuation.yield(.text("x", logprobs: []))
                        try await Task.sleep(for: .milliseconds(1))
                    }
                    continuation.finish()
                }
                continuation.onTermination = { _ in
                    task.cancel()
                    stopped.withLock { $0 += 1 }
                }
            }
        }
        let merged = GenerationRunner.merge(streams, limit: 16)
        for _ in 0..<500 where stopped.withLock({ $0 }) < 2 { try await Task.sleep(for: .milliseconds(10)) }
        #expect(stopped.withLock { $0 } == 2, "both producers should be stopped once 16 events wait")
        var count = 0
        await #expect(throws: ServingError.self) { for try await _ in merged { count += 1 } }
        #expect(count == 16)
    }

    @Test("a 15 MiB prompt is refused at once without tokenizing; the body limit still gives 413")
    func hugePrompt() async throws {
        try await makeApplication().test(.router) { client in
            let text = String(repeating: "a", count: 15 << 20)
            let started = ContinuousClock.now
            let response = try await postJSON(client, "/v1/completions", ["model": chatModel, "prompt": text])
            try expectErrorEnvelope(response, status: .badRequest, type: "invalid_request_error", param: "prompt",
                                    code: "context_length_exceeded")
            let chatResponse = try await postJSON(client, "/v1/chat/completions", chat(text))
            try expectErrorEnvelope(chatResponse, status: .badRequest, type: "invalid_request_error",
                                    param: "messages", code: "context_length_exceeded")
            #expect(ContinuousClock.now - started < .seconds(20))
            let tooLarge = try await postJSON(client, "/v1/completions",
                                          ["model": chatModel, "prompt": String(repeating: "a", count: 17 << 20)])
            try expectErrorEnvelope(tooLarge, status: .contentTooLarge, type: "invalid_request_error")
        }
    }
}

@Suite("Operations: limits, keys, CORS, metrics, logs, OpenAPI")
struct OperationsLimitsTests {
    @Test("max_tokens_limit refuses more and caps requests that set none; max_inputs_per_request counts items")
    func tokenAndInputLimits() async throws {
        var configuration = makeConfiguration()
        configuration.maxTokensLimit = 6
        configuration.maxInputsPerRequest = 3
        try await makeApplication(configuration).test(.router) { client in
            let over = try await postJSON(client, "/v1/chat/completions", chat(maxTokens: 7))
            try expectErrorEnvelope(over, status: .badRequest, type: "invalid_request_error", param: "max_tokens",
                                    code: "invalid_value")
            let capped = try await postJSON(client, "/v1/chat/completions", chat())
            #expect(capped.status == .ok)
            let usage = try #require(try jsonObject(capped.body)["usage"] as? [String: Any])
            let tokens = try #require(usage["completion_tokens"] as? Int)
            #expect(tokens >= 1 && tokens <= 6)
            let messages = (0..<4).map { ["role": $0 % 2 == 0 ? "user" : "assistant", "content": "m\($0)"] }
            let many = try await postJSON(client, "/v1/chat/completions", ["model": chatModel, "messages": messages])
            try expectErrorEnvelope(many, status: .badRequest, type: "invalid_request_error", param: "messages",
                                    code: "too_many_items")
            let inputs = try await postJSON(client, "/v1/embeddings", ["model": embeddingModel, "input": ["a", "b", "c", "d"]])
            try expectErrorEnvelope(inputs, status: .badRequest, type: "invalid_request_error", param: "input",
                                    code: "too_many_items")
            let prompts = try await postJSON(client, "/v1/completions", ["model": chatModel, "prompt": ["a", "b", "c", "d"]])
            try expectErrorEnvelope(prompts, status: .badRequest, type: "invalid_request_error", param: "prompt",
                                    code: "too_many_items")
        }
    }

    @Test("request_timeout_seconds: a long non-streaming request gets 408, a stream ends with a timeout event")
    func requestTimeout() async throws {
        var configuration = makeConfiguration()
        configuration.requestTimeoutSeconds = 1.5
        configuration.sseKeepAliveSeconds = 0
        try await makeApplication(configuration).test(.router) { client in
            _ = try await postJSON(client, "/v1/chat/completions", chat(maxTokens: 1))
            // The end-of-sequence token is barred, so the generation cannot end before the deadline.
            let slow = try await postJSON(client, "/v1/chat/completions", chat(maxTokens: 2000, extra: neverEnds))
            try expectErrorEnvelope(slow, status: .requestTimeout, type: "timeout_error", code: "timeout")
            let stream = try await postJSON(client, "/v1/chat/completions",
                                            chat(maxTokens: 2000, stream: true, extra: neverEnds))
            let text = String(buffer: stream.body)
            #expect(text.contains(#""code":"timeout""#), "\(text.suffix(300))")
            #expect(text.hasSuffix("data: [DONE]\n\n"))
            #expect(try await waitForIdle(client, seconds: 5) == 0)
        }
    }

    @Test("an idle stream (waiting for a slot) gets SSE keep-alive comments")
    func keepAlive() async throws {
        var configuration = makeConfiguration()
        configuration.sseKeepAliveSeconds = 0.2
        configuration.maxParallelGenerations = 1
        configuration.maxBatchSize = 1
        try await makeApplication(configuration).test(.router) { client in
            async let long = postJSON(client, "/v1/chat/completions", chat(maxTokens: 150, extra: ["seed": 1]))
            try await Task.sleep(for: .milliseconds(300))
            let waiting = try await postJSON(client, "/v1/chat/completions", chat(maxTokens: 2, stream: true))
            let text = String(buffer: waiting.body)
            #expect(text.hasPrefix("data: "), "the role chunk comes first")
            #expect(text.contains(": keep-alive\n\n"), "\(text.prefix(400))")
            #expect(text.hasSuffix("data: [DONE]\n\n"))
            #expect(try await long.status == .ok)
        }
    }

    @Test("API keys: /v1/* and /metrics need Bearer or x-api-key; /health stays open unless configured")
    func apiKeys() async throws {
        var configuration = makeConfiguration()
        configuration.apiKeys = ["sk-one", "sk-two-longer"]
        try await makeApplication(configuration).test(.router) { client in
            for uri in ["/v1/models", "/metrics", "/v1/models/\(embeddingModel)"] {
                let missing = try await client.execute(uri: uri, method: .get)
                try expectErrorEnvelope(missing, status: .unauthorized, type: "authentication_error",
                                        code: "invalid_api_key")
                for wrong in ["Bearer sk-on", "Bearer sk-one-", "Bearer sk-onex", "Basic sk-one", "Bearer "] {
                    let response = try await client.execute(uri: uri, method: .get, headers: [.authorization: wrong])
                    try expectErrorEnvelope(response, status: .unauthorized, type: "authentication_error",
                                            code: "invalid_api_key")
                }
                let bearer = try await client.execute(uri: uri, method: .get, headers: [.authorization: "Bearer sk-two-longer"])
                #expect(bearer.status == .ok)
                let anthropic = try await client.execute(uri: uri, method: .get,
                                                         headers: [HTTPField.Name("x-api-key")!: "sk-one"])
                #expect(anthropic.status == .ok)
            }
            let refused = try await postJSON(client, "/v1/embeddings", ["model": embeddingModel, "input": "a"])
            #expect(refused.status == .unauthorized)
            let accepted = try await postJSON(client, "/v1/embeddings", ["model": embeddingModel, "input": "a"],
                                          headers: [.authorization: "Bearer sk-one"])
            #expect(accepted.status == .ok)
            #expect(try await client.execute(uri: "/health", method: .get).status == .ok)
        }
        configuration.healthRequiresAuth = true
        try await makeApplication(configuration).test(.router) { client in
            let health = try await client.execute(uri: "/health", method: .get)
            try expectErrorEnvelope(health, status: .unauthorized, type: "authentication_error", code: "invalid_api_key")
        }
        #expect(AuthMiddleware<GatewayRequestContext>.matches(Array("abc".utf8), [Array("abc".utf8)]))
        #expect(!AuthMiddleware<GatewayRequestContext>.matches(Array("abd".utf8), [Array("abc".utf8)]))
        #expect(!AuthMiddleware<GatewayRequestContext>.matches([], [Array("abc".utf8)]))
        #expect(!AuthMiddleware<GatewayRequestContext>.matches(Array("abcd".utf8), [Array("abc".utf8)]))
    }

    @Test("CORS: off by default; an allowed origin gets the headers and its preflight a 204")
    func cors() async throws {
        try await makeApplication().test(.router) { client in
            let response = try await client.execute(uri: "/v1/models", method: .get, headers: [.origin: "http://a.test"])
            #expect(response.headers[.accessControlAllowOrigin] == nil)
        }
        var configuration = makeConfiguration()
        configuration.corsAllowedOrigins = ["http://a.test"]
        configuration.apiKeys = ["sk-cors"]
        try await makeApplication(configuration).test(.router) { client in
            let preflight = try await client.execute(uri: "/v1/chat/completions", method: .options, headers: [
                .origin: "http://a.test", .accessControlRequestMethod: "POST",
                .accessControlRequestHeaders: "authorization, content-type",
            ])
            #expect(preflight.status == .noContent)
            #expect(preflight.headers[.accessControlAllowOrigin] == "http://a.test")
            #expect(preflight.headers[.accessControlAllowMethods]?.contains("POST") == true)
            #expect(preflight.headers[.accessControlAllowHeaders] == "authorization, content-type")
            let allowed = try await client.execute(uri: "/v1/models", method: .get, headers: [
                .origin: "http://a.test", .authorization: "Bearer sk-cors",
            ])
            #expect(allowed.status == .ok)
            #expect(allowed.headers[.accessControlAllowOrigin] == "http://a.test")
            let unauthorized = try await client.execute(uri: "/v1/models", method: .get, headers: [.origin: "http://a.test"])
            #expect(unauthorized.status == .unauthorized)
            #expect(unauthorized.headers[.accessControlAllowOrigin] == "http://a.test", "errors carry CORS headers")
            let other = try await client.execute(uri: "/v1/models", method: .get, headers: [
                .origin: "http://evil.test", .authorization: "Bearer sk-cors",
            ])
            #expect(other.headers[.accessControlAllowOrigin] == nil)
        }
    }

    @Test("/metrics: Prometheus text with requests by route and status, tokens, TTFT and queue labelled by model")
    func metrics() async throws {
        try await makeApplication().test(.router) { client in
            let response = try await postJSON(client, "/v1/chat/completions", chat(maxTokens: 3))
            #expect(response.status == .ok)
            let embedded = try await postJSON(client, "/v1/embeddings", ["model": embeddingModel, "input": ["a", "b"]])
            #expect(embedded.status == .ok)
            let metrics = try await client.execute(uri: "/metrics", method: .get)
            #expect(metrics.status == .ok)
            #expect(metrics.headers[.contentType]?.hasPrefix("text/plain; version=0.0.4") == true)
            let text = String(buffer: metrics.body)
            let labels = #"model="\#(chatModel)",provider="CPUExecutionProvider""#
            for expected in [
                #"hb_requests{http_route="/v1/chat/completions",http_request_method="POST",http_response_status_code="200"}"#,
                "aigw_time_to_first_token_seconds_count{\(labels)}",
                "aigw_inter_token_latency_seconds_count{\(labels)}",
                "aigw_prompt_tokens_total{\(labels)}",
                "aigw_generated_tokens_total{\(labels)}",
                "aigw_active_generations{\(labels)}",
                "aigw_queue_depth{\(labels),queue=\"chat\"}",
                "aigw_batch_size_count{\(labels),kind=\"chat\"}",
                "aigw_model_load_seconds{\(labels)}",
                "aigw_model_resident_bytes{\(labels)}",
                #"aigw_batch_size_count{model="\#(embeddingModel)",provider="CPUExecutionProvider",kind="embeddings"}"#,
                "http_server_request_duration_bucket",
            ] {
                #expect(text.contains(expected), "missing \(expected)")
            }
        }
    }

    @Test("one log line per request with id, route, model, status and tokens; prompts only with log_bodies")
    func requestLogs() async throws {
        for logBodies in [false, true] {
            let sink = LogSink()
            var logger = Logger(label: "test") { _ in sink.handler }
            logger.logLevel = .info
            var configuration = makeConfiguration()
            configuration.logBodies = logBodies
            let app = buildApplication(configuration: configuration, runtime: TestEnvironment.runtime, logger: logger)
            try await app.test(.router) { client in
                let response = try await postJSON(client, "/v1/chat/completions", chat("SECRET-PROMPT", maxTokens: 2))
                #expect(response.status == .ok)
                let streamed = try await postJSON(client, "/v1/chat/completions",
                                              chat("SECRET-PROMPT", maxTokens: 2, stream: true))
                #expect(streamed.status == .ok)
            }
            let lines = sink.entries.filter { $0.message == "request" && $0.metadata["route"] == "/v1/chat/completions" }
            #expect(lines.count == 2)
            for line in lines {
                #expect(line.metadata["model"] == chatModel)
                #expect(line.metadata["status"] == "200")
                #expect(line.metadata["prompt_tokens"].flatMap(Int.init).map { $0 > 0 } == true)
                #expect(line.metadata["completion_tokens"].flatMap(Int.init).map { $0 >= 1 && $0 <= 2 } == true)
                #expect(line.metadata["hb.request.id"]?.isEmpty == false)
                #expect(line.metadata["duration_ms"] != nil)
                #expect(line.metadata.values.contains { $0.contains("SECRET-PROMPT") } == logBodies)
            }
        }
    }

    @Test("/openapi.json documents exactly the routes the router serves")
    func openAPIListsEveryRoute() async throws {
        try await makeApplication().test(.router) { client in
            let response = try await client.execute(uri: "/openapi.json", method: .get)
            #expect(response.status == .ok)
            let document = try jsonObject(response.body)
            let paths = try #require(document["paths"] as? [String: [String: Any]])
            var documented: Set<String> = []
            for (path, operations) in paths {
                for method in operations.keys where ["get", "post", "put", "delete", "patch"].contains(method) {
                    documented.insert("\(method.uppercased()) \(path)")
                }
            }
            let served = Set(RouteTable.gateway.all.map { "\($0.method.rawValue) \($0.path)" })
            #expect(documented == served)
        }
    }
}

/// Every log entry a `LogSink` handler (and its copies) received, shared between them.
final class LogSink: @unchecked Sendable {
    struct Entry {
        let message: String
        let metadata: [String: String]
    }

    private let lock = NSLock()
    private var stored: [Entry] = []

    func append(_ entry: Entry) {
        lock.lock()
        stored.append(entry)
        lock.unlock()
    }

    var entries: [Entry] {
        lock.lock()
        defer { lock.unlock() }
        return stored
    }

    /// A handler writing into this sink; a value, as swift-log expects (each logger copy has its own metadata).
    var handler: Handler { Handler(sink: self) }

    struct Handler: LogHandler {
        let sink: LogSink
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .info

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let merged = metadata.merging(event.metadata ?? [:]) { $1 }.mapValues { "\($0)" }
            sink.append(Entry(message: event.message.description, metadata: merged))
        }
    }
}
