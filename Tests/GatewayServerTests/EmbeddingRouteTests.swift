import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
@testable import GatewayServer

/// Texts with their Hugging Face token counts and ids, and the Python reference vectors, read from the fixtures
/// other test targets commit (tools/embedding_fixtures.py, tools/tokenizer_fixtures.py).
private enum EmbeddingFixtures {
    struct Reference: Decodable {
        let text: String
        let tokens: Int
        let mean: String
    }

    struct CorpusText: Decodable {
        let text: String
        let ids: [Int]
    }

    static let references: [Reference] = {
        struct File: Decodable { let cases: [Reference] }
        let url = TestEnvironment.root.appendingPathComponent("Tests/GatewayCoreTests/Fixtures/embeddings_reference.json")
        return (try? JSONDecoder().decode(File.self, from: Data(contentsOf: url)).cases) ?? []
    }()

    static let corpus: [CorpusText] = {
        struct File: Decodable { let texts: [CorpusText] }
        let url = TestEnvironment.root.appendingPathComponent("Tests/TokenizersTests/Fixtures/wordpiece_corpus.json")
        return (try? JSONDecoder().decode(File.self, from: Data(contentsOf: url)).texts) ?? []
    }()

    static func vector(_ base64: String) -> [Float] {
        let data = Data(base64Encoded: base64) ?? Data()
        return data.withUnsafeBytes { raw in
            (0..<(data.count / 4)).map {
                Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self)))
            }
        }
    }
}

private func cosine(_ a: [Float], _ b: [Float]) -> Double {
    var dot = 0.0, na = 0.0, nb = 0.0
    for (x, y) in zip(a, b) {
        dot += Double(x) * Double(y)
        na += Double(x) * Double(x)
        nb += Double(y) * Double(y)
    }
    return dot / (na.squareRoot() * nb.squareRoot())
}

private func post(_ client: some TestClientProtocol, _ json: Any) async throws -> TestResponse {
    let data = try JSONSerialization.data(withJSONObject: json, options: [.fragmentsAllowed])
    return try await client.execute(uri: "/v1/embeddings", method: .post, headers: [.contentType: "application/json"],
                                    body: ByteBuffer(bytes: data))
}

private func vectors(_ response: TestResponse) throws -> [[Float]] {
    let object = try jsonObject(response.body)
    let data = try #require(object["data"] as? [[String: Any]])
    return try data.map { item in
        if let base64 = item["embedding"] as? String { return EmbeddingFixtures.vector(base64) }
        let numbers = try #require(item["embedding"] as? [NSNumber])
        return numbers.map(\.floatValue)
    }
}

@Suite("POST /v1/embeddings on the real default model")
struct EmbeddingRouteTests {
    let model = TestEnvironment.defaultEmbeddingModel

    @Test("OpenAI's response shape, vectors equal to the Python reference, exact usage")
    func responseMatchesReference() async throws {
        let references = EmbeddingFixtures.references.filter { $0.tokens < 256 }.prefix(20)
        #expect(references.count == 20)
        try await makeApplication().test(.router) { client in
            let response = try await post(client, ["model": model, "input": references.map(\.text)])
            #expect(response.status == .ok, "\(String(buffer: response.body).prefix(300))")
            let object = try jsonObject(response.body)
            #expect(Set(object.keys) == ["object", "data", "model", "usage"])
            #expect(object["object"] as? String == "list")
            #expect(object["model"] as? String == model)
            let usage = try #require(object["usage"] as? [String: Int])
            let expectedTokens = references.reduce(0) { $0 + $1.tokens }
            #expect(usage == ["prompt_tokens": expectedTokens, "total_tokens": expectedTokens])
            let data = try #require(object["data"] as? [[String: Any]])
            #expect(data.map { $0["index"] as? Int } == Array(0..<references.count))
            #expect(data.allSatisfy { Set($0.keys) == ["object", "index", "embedding"] && $0["object"] as? String == "embedding" })
            for (vector, reference) in zip(try vectors(response), references) {
                #expect(vector.count == 384)
                #expect(cosine(vector, EmbeddingFixtures.vector(reference.mean)) >= 0.9999, "\(reference.text.prefix(30))")
            }
        }
    }

    @Test("a single string, base64 encoding and dimensions")
    func formats() async throws {
        try await makeApplication().test(.router) { client in
            let text = "The quick brown fox jumps over the lazy dog."
            let plain = try vectors(try await post(client, ["model": model, "input": text]))[0]
            let base64Response = try await post(client, ["model": model, "input": [text], "encoding_format": "base64"])
            #expect(base64Response.status == .ok)
            let decoded = try vectors(base64Response)[0]
            #expect(decoded == plain, "base64 carries the same float32 values")
            let short = try vectors(try await post(client, ["model": model, "input": text, "dimensions": 64]))[0]
            #expect(short.count == 64)
            var expected = Array(plain.prefix(64))
            let norm = expected.reduce(0) { $0 + $1 * $1 }.squareRoot()
            expected = expected.map { $0 / norm }
            #expect(zip(short, expected).allSatisfy { abs($0 - $1) < 1e-6 })
            let full = try vectors(try await post(client, ["model": model, "input": text, "dimensions": 384]))[0]
            #expect(full == plain)
        }
    }

    @Test("token-id input embeds exactly like the text it came from")
    func tokenInput() async throws {
        let samples = EmbeddingFixtures.corpus.filter { $0.ids.count > 3 && $0.ids.count < 200 }.prefix(5)
        #expect(samples.count == 5)
        try await makeApplication().test(.router) { client in
            let fromText = try vectors(try await post(client, ["model": model, "input": samples.map(\.text)]))
            let response = try await post(client, ["model": model, "input": samples.map(\.ids)])
            #expect(response.status == .ok)
            let fromIDs = try vectors(response)
            for (a, b) in zip(fromText, fromIDs) { #expect(cosine(a, b) > 0.99999) }
            let usage = try #require(try jsonObject(response.body)["usage"] as? [String: Int])
            #expect(usage["prompt_tokens"] == samples.reduce(0) { $0 + $1.ids.count })
            let single = try await post(client, ["model": model, "input": samples.first!.ids])
            #expect(single.status == .ok)
            #expect(try vectors(single).count == 1)
        }
    }

    @Test("over-long inputs are refused naming their index, or cut when truncate is asked")
    func lengthLimit() async throws {
        let long = try #require(EmbeddingFixtures.references.first { $0.tokens == 256 })
        try await makeApplication().test(.router) { client in
            let refused = try await post(client, ["model": model, "input": ["short", long.text]])
            let envelope = try expectErrorEnvelope(refused, status: .badRequest, type: "invalid_request_error",
                                                   param: "input[1]", code: "context_length_exceeded")
            #expect(envelope.error.message.contains("256"))
            let cut = try await post(client, ["model": model, "input": ["short", long.text], "truncate": true])
            #expect(cut.status == .ok)
            let usage = try #require(try jsonObject(cut.body)["usage"] as? [String: Int])
            #expect(usage["prompt_tokens"] == 3 + 256)
            let vector = try vectors(cut)[1]
            #expect(cosine(vector, EmbeddingFixtures.vector(long.mean)) >= 0.9999)
        }
    }

    @Test("2048 inputs are served; 2049 are refused")
    func inputCount() async throws {
        try await makeApplication().test(.router) { client in
            let texts = (0..<2048).map { "text number \($0)" }
            let ok = try await post(client, ["model": model, "input": texts])
            #expect(ok.status == .ok)
            #expect(try vectors(ok).count == 2048)
            let tooMany = try await post(client, ["model": model, "input": texts + ["one more"]])
            try expectErrorEnvelope(tooMany, status: .badRequest, type: "invalid_request_error", param: "input")
        }
    }

    @Test("16 concurrent requests all get their own, correct vectors")
    func concurrent() async throws {
        let references = Array(EmbeddingFixtures.references.filter { $0.tokens < 256 }.prefix(16))
        try await makeApplication().test(.router) { client in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for reference in references {
                    group.addTask {
                        let response = try await post(client, ["model": model, "input": reference.text])
                        #expect(response.status == .ok)
                        let vector = try vectors(response)[0]
                        #expect(cosine(vector, EmbeddingFixtures.vector(reference.mean)) >= 0.9999)
                    }
                }
                try await group.waitForAll()
            }
        }
    }

    @Test("every bad input gets a 400 envelope with its param", arguments: [(String, String, String?)](arrayLiteral:
        (#"{"model":"all-minilm-l6-v2","input":""}"#, "input", nil),
        (#"{"model":"all-minilm-l6-v2","input":[]}"#, "input", nil),
        (#"{"model":"all-minilm-l6-v2","input":["a",""]}"#, "input[1]", nil),
        (#"{"model":"all-minilm-l6-v2","input":[[]]}"#, "input[0]", nil),
        (#"{"model":"all-minilm-l6-v2","input":5}"#, "input", "invalid_type"),
        (#"{"model":"all-minilm-l6-v2","input":null}"#, "input", "invalid_type"),
        (#"{"model":"all-minilm-l6-v2","input":{"text":"a"}}"#, "input", "invalid_type"),
        (#"{"model":"all-minilm-l6-v2","input":[1,"a"]}"#, "input", "invalid_type"),
        (#"{"model":"all-minilm-l6-v2","input":[[1],["a"]]}"#, "input", "invalid_type"),
        (#"{"model":"all-minilm-l6-v2","input":[1.5]}"#, "input", "invalid_type"),
        (#"{"model":"all-minilm-l6-v2","input":[-1]}"#, "input", nil),
        (#"{"model":"all-minilm-l6-v2","input":[[101],[30522]]}"#, "input[1]", nil),
        (#"{"input":"a"}"#, "model", "missing_required_parameter"),
        (#"{"model":"","input":"a"}"#, "model", nil),
        (#"{"model":5,"input":"a"}"#, "model", "invalid_type"),
        (#"{"model":"all-minilm-l6-v2"}"#, "input", "missing_required_parameter"),
        (#"{"model":"all-minilm-l6-v2","input":"a","encoding_format":"hex"}"#, "encoding_format", nil),
        (#"{"model":"all-minilm-l6-v2","input":"a","dimensions":0}"#, "dimensions", "invalid_value"),
        (#"{"model":"all-minilm-l6-v2","input":"a","dimensions":385}"#, "dimensions", nil),
        (#"{"model":"all-minilm-l6-v2","input":"a","dimensions":"64"}"#, "dimensions", "invalid_type"),
        (#"{"model":"all-minilm-l6-v2","input":"a","dimensions":1.5}"#, "dimensions", "invalid_value"),
        (#"{"model":"all-minilm-l6-v2","input":"a","dimensions":18446744073709551616}"#, "dimensions", "invalid_value"),
        (#"{"model":"all-minilm-l6-v2","input":"a","input":"b"}"#, "input", "duplicate_key"),
        (#"{"model":"all-minilm-l6-v2","input":"a","truncate":"yes"}"#, "truncate", "invalid_type"),
        (#"{"model":"all-minilm-l6-v2","input":"a","user":7}"#, "user", "invalid_type"),
        (#"{"model":"all-minilm-l6-v2","input":"a","temperature":1}"#, "temperature", nil),
    ))
    func badInputs(body: String, param: String, code: String?) async throws {
        try await makeApplication().test(.router) { client in
            let response = try await client.execute(uri: "/v1/embeddings", method: .post,
                                                    headers: [.contentType: "application/json"],
                                                    body: ByteBuffer(string: body))
            try expectErrorEnvelope(response, status: .badRequest, type: "invalid_request_error", param: param,
                                    code: code)
        }
    }

    @Test("an unknown model is a 404; a chat model is a 400")
    func wrongModels() async throws {
        try await withTemporaryDirectory { folder in
            let manager = FileManager.default
            try manager.createSymbolicLink(
                at: folder.appendingPathComponent(model),
                withDestinationURL: URL(fileURLWithPath: TestEnvironment.modelsDirectory).appendingPathComponent(model))
            let chat = folder.appendingPathComponent("some-chat-model")
            try manager.createDirectory(at: chat, withIntermediateDirectories: true)
            try Data("{}".utf8).write(to: chat.appendingPathComponent("genai_config.json"))
            try await makeApplication(makeConfiguration(modelsDirectory: folder.path)).test(.router) { client in
                let unknown = try await post(client, ["model": "no-such-model", "input": "a"])
                try expectErrorEnvelope(unknown, status: .notFound, type: "invalid_request_error", param: "model",
                                        code: "model_not_found")
                let wrongKind = try await post(client, ["model": "some-chat-model", "input": "a"])
                try expectErrorEnvelope(wrongKind, status: .badRequest, type: "invalid_request_error", param: "model",
                                        code: "model_not_supported")
                let fine = try await post(client, ["model": model, "input": "a"])
                #expect(fine.status == .ok)
            }
        }
    }

    @Test("the loaded model shows in /health and /v1/models with its provider")
    func reportsProvider() async throws {
        try await makeApplication().test(.router) { client in
            _ = try await post(client, ["model": model, "input": "warm up"])
            try await client.execute(uri: "/v1/models/\(model)", method: .get) { response in
                let object = try jsonObject(response.body)
                #expect(object["provider"] as? String == "CPUExecutionProvider")
                let skipped = try #require(object["provider_skipped"] as? [[String: String]])
                #expect(skipped.map { $0["provider"] } == ["qnn", "dml", "cuda", "openvino", "coreml"])
            }
            try await client.execute(uri: "/health", method: .get) { response in
                let object = try jsonObject(response.body)
                let models = try #require(object["models"] as? [[String: Any]])
                #expect(models.first?["id"] as? String == model)
                #expect(models.first?["provider"] as? String == "CPUExecutionProvider")
            }
        }
    }
}
