import Foundation
import GatewayCore
import Hummingbird
import HummingbirdTesting
import Testing
@testable import GatewayServer

@Suite("GET /v1/models and /v1/models/{id}")
struct FoundationModelsTests {
    /// Checks OpenAI's model object shape and returns it.
    @discardableResult
    private func expectModelObject(_ value: Any?, sourceLocation: SourceLocation = #_sourceLocation) throws
        -> [String: Any]
    {
        let object = try #require(value as? [String: Any], sourceLocation: sourceLocation)
        #expect((object["id"] as? String)?.isEmpty == false, sourceLocation: sourceLocation)
        #expect(object["object"] as? String == "model", sourceLocation: sourceLocation)
        let created = try #require(object["created"] as? Int, "created: \(object)", sourceLocation: sourceLocation)
        #expect(created > 1_600_000_000, sourceLocation: sourceLocation)
        #expect(object["owned_by"] as? String == "ai-gateway", sourceLocation: sourceLocation)
        return object
    }

    @Test("the real models folder lists the default embedding model in OpenAI's list shape")
    func realModels() async throws {
        let app = makeApplication()
        try await app.test(.router) { client in
            try await client.execute(uri: "/v1/models", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "application/json")
                #expect(response.headers[.requestID]?.isEmpty == false)
                let body = try jsonObject(response.body)
                #expect(body["object"] as? String == "list")
                let data = try #require(body["data"] as? [Any])
                let models = try data.map { try expectModelObject($0) }
                let model = try #require(models.first { $0["id"] as? String == TestEnvironment.defaultEmbeddingModel })
                #expect(model["kind"] as? String == "embedding")
            }
        }
    }

    @Test("an empty models folder gives data []")
    func emptyFolder() async throws {
        try await withTemporaryDirectory { folder in
            let app = makeApplication(makeConfiguration(modelsDirectory: folder.path))
            try await app.test(.router) { client in
                try await client.execute(uri: "/v1/models", method: .get) { response in
                    #expect(response.status == .ok)
                    let body = try jsonObject(response.body)
                    #expect(body["object"] as? String == "list")
                    #expect((body["data"] as? [Any])?.isEmpty == true, "body: \(String(buffer: response.body))")
                }
            }
        }
    }

    @Test("a missing models folder is an empty list, not an error")
    func missingFolder() async throws {
        let app = makeApplication(makeConfiguration(modelsDirectory: "/nonexistent/models-\(UUID().uuidString)"))
        try await app.test(.router) { client in
            try await client.execute(uri: "/v1/models", method: .get) { response in
                #expect(response.status == .ok)
                let body = try jsonObject(response.body)
                #expect((body["data"] as? [Any])?.isEmpty == true)
            }
        }
    }

    @Test("folders are judged by their files: genai_config.json is chat, model.onnx is embedding, others failed")
    func folderKinds() async throws {
        try await withTemporaryDirectory { folder in
            let files = [
                "chatty/genai_config.json", "embed/model.onnx", "nested/onnx/model.onnx",
                ".hidden/model.onnx", ".hidden-chat/genai_config.json", "nothing/readme.txt", "stray.onnx",
                "deep/sub/model.onnx",
            ]
            for file in files {
                let url = folder.appendingPathComponent(file)
                try FileManager.default.createDirectory(at: url.deletingLastPathComponent(),
                                                        withIntermediateDirectories: true)
                try Data("{}".utf8).write(to: url)
            }
            try FileManager.default.createDirectory(at: folder.appendingPathComponent("empty"),
                                                    withIntermediateDirectories: true)
            let app = makeApplication(makeConfiguration(modelsDirectory: folder.path))
            try await app.test(.router) { client in
                try await client.execute(uri: "/v1/models", method: .get) { response in
                    #expect(response.status == .ok)
                    let data = try #require(try jsonObject(response.body)["data"] as? [Any])
                    let models = try data.map { try expectModelObject($0) }
                    // Folders that are not models, or incomplete ones, are listed as failed with the reason.
                    #expect(models.map { $0["id"] as? String } == ["chatty", "deep", "embed", "empty", "nested", "nothing"])
                    #expect(models.map { $0["kind"] as? String } == ["chat", nil, "embedding", nil, "embedding", nil])
                    #expect(models.allSatisfy { $0["status"] as? String == "failed" })
                    let errors = models.map { $0["error"] as? String ?? "" }
                    #expect(errors[0].contains("genai_config.json"), "\(errors[0])")
                    #expect(errors[1].contains("not a model folder"), "\(errors[1])")
                    #expect(errors[2].contains("no tokenizer.json or vocab.txt"), "\(errors[2])")
                    let now = Int(Date().timeIntervalSince1970)
                    for model in models {
                        let created = model["created"] as? Int ?? 0
                        #expect(abs(created - now) < 600, "created \(created) is not the folder's mtime")
                    }
                }
                try await client.execute(uri: "/v1/models/chatty", method: .get) { response in
                    #expect(response.status == .ok)
                    let model = try expectModelObject(try jsonObject(response.body))
                    #expect(model["id"] as? String == "chatty")
                    #expect(model["kind"] as? String == "chat")
                }
                for ignored in [".hidden", "stray.onnx"] {
                    try await client.execute(uri: "/v1/models/\(ignored)", method: .get) { response in
                        try expectErrorEnvelope(response, status: .notFound, type: "invalid_request_error",
                                                code: "model_not_found")
                    }
                }
            }
        }
    }

    @Test("GET /v1/models/{id} answers the same object the list holds")
    func knownModel() async throws {
        let app = makeApplication()
        try await app.test(.router) { client in
            let listed = try await client.execute(uri: "/v1/models", method: .get) { response in
                let data = try #require(try jsonObject(response.body)["data"] as? [[String: Any]])
                return try #require(data.first { $0["id"] as? String == TestEnvironment.defaultEmbeddingModel })
            }
            let id = TestEnvironment.defaultEmbeddingModel
            try await client.execute(uri: "/v1/models/\(id)", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.requestID]?.isEmpty == false)
                let model = try expectModelObject(try jsonObject(response.body))
                #expect(model["id"] as? String == id)
                #expect(model["kind"] as? String == "embedding")
                #expect(model["created"] as? Int == listed["created"] as? Int)
                #expect(Set(model.keys) == Set(listed.keys))
            }
        }
    }

    @Test("GET /v1/models/{id} for an unknown id is a 404 envelope with code model_not_found")
    func unknownModel() async throws {
        let app = makeApplication()
        try await app.test(.router) { client in
            try await client.execute(uri: "/v1/models/no-such-model", method: .get) { response in
                let envelope = try expectErrorEnvelope(response, status: .notFound, type: "invalid_request_error",
                                                       code: "model_not_found")
                #expect(envelope.error.message.contains("no-such-model"))
            }
        }
    }

    @Test("a loaded model reports the provider serving it")
    func loadedModelProvider() async throws {
        let app = makeApplication(makeConfiguration(preload: true))
        try await app.test(.router) { client in
            try await client.execute(uri: "/v1/models/\(TestEnvironment.defaultEmbeddingModel)", method: .get) {
                response in
                #expect(response.status == .ok)
                let model = try jsonObject(response.body)
                #expect(model["provider"] as? String == "CPUExecutionProvider")
            }
        }
    }
}
