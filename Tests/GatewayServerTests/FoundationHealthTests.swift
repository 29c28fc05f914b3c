import Foundation
import GatewayCore
import Hummingbird
import HummingbirdTesting
import Testing
@testable import GatewayServer

@Suite("GET /health on the real runtime")
struct FoundationHealthTests {
    @Test("reports ok, versions, runtime libraries, providers, memory and no models before any load")
    func healthy() async throws {
        let app = makeApplication(makeConfiguration(preload: false))
        try await app.test(.router) { client in
            try await client.execute(uri: "/health", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "application/json")
                #expect(response.headers[.requestID]?.isEmpty == false)
                let body = try jsonObject(response.body)
                #expect(body["status"] as? String == "ok")
                #expect(body["version"] as? String == GatewayState.version)
                let uptime = try #require(body["uptime_seconds"] as? Double)
                #expect(uptime >= 0 && uptime < 600)

                let ort = try #require(body["onnxruntime"] as? [String: Any])
                #expect(ort["available"] as? Bool == true)
                #expect(ort["version"] as? String == "1.32.0")
                #expect(ort["library"] as? String == TestEnvironment.ortLibrary)
                #expect(ort["error"] is NSNull)

                let genAI = try #require(body["genai"] as? [String: Any])
                #expect(genAI["available"] as? Bool == true)
                #expect(genAI["version"] as? String == "0.18.0")
                #expect(genAI["library"] as? String == TestEnvironment.genAILibrary)
                #expect(genAI["error"] is NSNull)

                let providers = try #require(body["providers"] as? [String])
                #expect(providers.contains("CPUExecutionProvider"))

                let memory = try #require(body["memory"] as? [String: Any])
                let rss = try #require(memory["rss_bytes"] as? Int)
                #expect(rss > 0)
                let used = try #require(memory["system_used_percent"] as? Double)
                #expect(used > 0 && used < 100)

                let models = try #require(body["models"] as? [Any])
                #expect(models.isEmpty)
            }
        }
    }

    @Test("with preload on, the default embedding model is listed with the provider serving it")
    func preloaded() async throws {
        let app = makeApplication(makeConfiguration(preload: true))
        try await app.test(.router) { client in
            try await client.execute(uri: "/health", method: .get) { response in
                #expect(response.status == .ok)
                let body = try jsonObject(response.body)
                let models = try #require(body["models"] as? [[String: Any]])
                let model = try #require(models.first { $0["id"] as? String == TestEnvironment.defaultEmbeddingModel },
                                         "models: \(models)")
                #expect(model["kind"] as? String == "embedding")
                #expect(model["provider"] as? String == "CPUExecutionProvider")
                #expect(model["skipped"] is [Any])
            }
        }
    }

    @Test("a missing runtime library leaves the server up: /health is degraded with the reason, embeddings 503")
    func missingLibrary() async throws {
        let missing = "/nonexistent/libonnxruntime.so"
        let configuration = makeConfiguration(ortLibrary: missing)
        #expect(configuration.genAILibrary == "/nonexistent/libonnxruntime-genai.so")
        let app = makeApplication(configuration)
        try await app.test(.router) { client in
            try await client.execute(uri: "/health", method: .get) { response in
                #expect(response.status == .ok)
                let body = try jsonObject(response.body)
                #expect(body["status"] as? String == "degraded")
                let ort = try #require(body["onnxruntime"] as? [String: Any])
                #expect(ort["available"] as? Bool == false)
                #expect(ort["version"] is NSNull)
                #expect(ort["library"] is NSNull)
                let error = try #require(ort["error"] as? String)
                #expect(error.contains(missing))
                #expect(error.contains("scripts/setup"))
                #expect(error.contains("AIGW_ORT_LIBRARY"))
                #expect(!error.contains("\n"))
                let genAI = try #require(body["genai"] as? [String: Any])
                #expect(genAI["available"] as? Bool == false)
                #expect((genAI["error"] as? String)?.contains("/nonexistent/libonnxruntime-genai.so") == true)
                #expect((body["providers"] as? [String])?.isEmpty == true)
            }
            let request = #"{"model":"\#(TestEnvironment.defaultEmbeddingModel)","input":"hello"}"#
            try await client.execute(uri: "/v1/embeddings", method: .post, headers: [.contentType: "application/json"],
                                     body: ByteBuffer(string: request)) { response in
                let envelope = try expectErrorEnvelope(response, status: .serviceUnavailable, type: "server_error",
                                                       code: "runtime_unavailable")
                #expect(envelope.error.message.contains(missing))
                #expect(envelope.error.message.contains("scripts/setup"))
            }
        }
    }

    @Test("with only onnxruntime-genai missing, /health is degraded and names the genai library")
    func degradedWhenGenAIMissing() async throws {
        var configuration = makeConfiguration()
        configuration.genAILibrary = "/nonexistent/libonnxruntime-genai.so"
        let app = makeApplication(configuration)
        try await app.test(.router) { client in
            try await client.execute(uri: "/health", method: .get) { response in
                #expect(response.status == .ok)
                let body = try jsonObject(response.body)
                #expect(body["status"] as? String == "degraded")
                #expect((body["onnxruntime"] as? [String: Any])?["available"] as? Bool == true)
                let genAI = try #require(body["genai"] as? [String: Any])
                #expect(genAI["available"] as? Bool == false)
                let error = try #require(genAI["error"] as? String)
                #expect(error.contains("/nonexistent/libonnxruntime-genai.so"))
                #expect(error.contains("AIGW_GENAI_LIBRARY"))
            }
        }
    }
}
