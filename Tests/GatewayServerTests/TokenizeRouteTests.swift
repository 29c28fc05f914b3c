import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
@testable import GatewayServer

/// `/tokenize` and `/detokenize` on the real default chat model, against onnxruntime-genai's Python API's ids
/// (`Tests/ONNXRuntimeTests/Fixtures/genai_reference.json`).
@Suite("Tokenize and detokenize")
struct TokenizeRouteTests {
    @Test("messages give the chat prompt's ids; text and ids round-trip; llama.cpp's and vLLM's fields both work")
    func matchesReference() async throws {
        let reference = try #require(GenAIReference.shared, "Tests/ONNXRuntimeTests/Fixtures/genai_reference.json")
        try await makeApplication().test(.router) { client in
            for chat in reference.chats {
                let fromMessages = try jsonObject(try await postJSON(client, "/tokenize", [
                    "model": defaultChatModel, "messages": chat.messages,
                ]).body)
                #expect(fromMessages["tokens"] as? [Int] == chat.promptIDs, "\(chat.name)")
                #expect(fromMessages["count"] as? Int == chat.promptIDs.count)
                #expect(fromMessages["max_model_len"] as? Int == 2048)
                let text = try jsonObject(try await postJSON(client, "/detokenize", [
                    "model": defaultChatModel, "tokens": chat.greedyIDs.filter { !reference.eosTokenIDs.contains($0) },
                ]).body)
                #expect(text["content"] as? String == chat.greedyText, "\(chat.name)")
                #expect(text["prompt"] as? String == chat.greedyText)
            }
            // llama.cpp's shape without a model (one chat model is served) and vLLM's `prompt`.
            let llama = try jsonObject(try await postJSON(client, "/tokenize", ["content": "Hello world"]).body)
            let vllm = try jsonObject(try await postJSON(client, "/tokenize", ["model": defaultChatModel,
                                                                               "prompt": "Hello world"]).body)
            let ids = try #require(llama["tokens"] as? [Int])
            #expect(!ids.isEmpty && vllm["tokens"] as? [Int] == ids)
            let back = try jsonObject(try await postJSON(client, "/detokenize", ["tokens": ids]).body)
            #expect(back["content"] as? String == "Hello world")
        }
    }

    @Test("bad inputs are 400s naming the field; unknown and wrong-kind models are 404 and 400")
    func badInputs() async throws {
        try await makeApplication().test(.router) { client in
            let cases: [([String: Any], String, String?)] = [
                (["model": defaultChatModel], "content", "missing_required_parameter"),
                (["model": defaultChatModel, "content": "a", "prompt": "b"], "prompt", "invalid_value"),
                (["model": defaultChatModel, "content": "a", "add_special": true], "add_special", "unsupported_parameter"),
                (["model": defaultChatModel, "content": "a", "with_pieces": true], "with_pieces", "unsupported_parameter"),
                (["model": defaultChatModel, "content": 5], "content", "invalid_type"),
                (["model": defaultChatModel, "messages": []], "messages", "empty_array"),
                (["model": defaultChatModel, "content": "a", "extra": 1], "extra", nil),
            ]
            for (body, param, code) in cases {
                try expectErrorEnvelope(try await postJSON(client, "/tokenize", body), status: .badRequest,
                                        type: "invalid_request_error", param: param, code: code)
            }
            let detokenizeCases: [([String: Any], String, String)] = [
                (["model": defaultChatModel], "tokens", "missing_required_parameter"),
                (["model": defaultChatModel, "tokens": [1, -2]], "tokens[1]", "invalid_value"),
                (["model": defaultChatModel, "tokens": [1, 2.5]], "tokens[1]", "invalid_value"),
                (["model": defaultChatModel, "tokens": [49152]], "tokens[0]", "invalid_value"),
            ]
            for (body, param, code) in detokenizeCases {
                try expectErrorEnvelope(try await postJSON(client, "/detokenize", body), status: .badRequest,
                                        type: "invalid_request_error", param: param, code: code)
            }
            try expectErrorEnvelope(try await postJSON(client, "/tokenize", ["model": "nope", "content": "a"]),
                                    status: .notFound, type: "invalid_request_error", param: "model",
                                    code: "model_not_found")
            try expectErrorEnvelope(try await postJSON(client, "/detokenize", ["model": defaultEmbeddingModel, "tokens": [1]]),
                                    status: .badRequest, type: "invalid_request_error", param: "model",
                                    code: "model_not_supported")
        }
    }
}

/// The default models' ids, as the tests' configuration serves them.
let defaultChatModel = "smollm2-135m-instruct"
let defaultEmbeddingModel = "all-minilm-l6-v2"
