import Foundation
import Testing
@testable import ONNXRuntime

@Suite("GenAI model loading on the real library")
struct GenAIModelTests {
    @Test("genai_config.json facts: context length, vocabulary, EOS and pad ids")
    func metadata() throws {
        let model = try GenAITestSupport.model()
        #expect(model.contextLength == 8192)
        #expect(model.vocabularySize == 49152)
        #expect(model.eosTokenIDs == [2])
        #expect(model.eosTokenIDs == (try GenAITestSupport.reference().eosTokenIDs))
        #expect(model.padTokenID == 2)
        #expect(model.providerSelection == GenAIProviderSelection(chosen: "cpu", skipped: []))
    }

    @Test("genai_config.json parsing: eos_token_id as an integer or a list, pad id optional, the folder's provider")
    func configParsing() throws {
        func parse(_ json: String) throws -> GenAIModelConfig {
            let root = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any] ?? [:]
            return try GenAIModelConfig(root: root, path: "genai_config.json")
        }
        let list = try parse(#"{"model":{"context_length":4096,"vocab_size":32064,"eos_token_id":[32000,32001,32007]}}"#)
        #expect(list.eosTokenIDs == [32000, 32001, 32007])
        #expect(list.padTokenID == nil)
        #expect(list.configuredProvider == "cpu")
        let single = try parse(#"""
            {"model":{"context_length":8192,"vocab_size":49152,"eos_token_id":2,"pad_token_id":2,
             "decoder":{"session_options":{"provider_options":[{"cuda":{"enable_cuda_graph":"0"}}]}}}}
            """#)
        #expect(single.eosTokenIDs == [2])
        #expect(single.padTokenID == 2)
        #expect(single.configuredProvider == "cuda")
        let bad = #expect(throws: OrtError.self) {
            try parse(#"{"model":{"context_length":8192,"vocab_size":49152,"eos_token_id":["two"]}}"#)
        }
        #expect(bad?.message.contains("eos_token_id") == true)
        let noVocabulary = #expect(throws: OrtError.self) { try parse(#"{"model":{"context_length":8192}}"#) }
        #expect(noVocabulary?.message.contains("vocab_size") == true)
    }

    @Test("provider fallback: cuda, dml, qnn, openvino, cpu lands on the CPU with each reason kept")
    func fallback() throws {
        let model = try GenAIModel(runtime: try GenAITestSupport.runtime(),
                                   directory: try GenAITestSupport.requireModelDirectory(),
                                   providers: ["cuda", "dml", "qnn", "openvino", "cpu"])
        let selection = model.providerSelection
        #expect(selection.chosen == "cpu")
        #expect(selection.skipped.map(\.provider) == ["cuda", "dml", "qnn", "openvino"])
        #expect(selection.skipped.allSatisfy { !$0.reason.isEmpty })
        #expect(selection.skipped.first { $0.provider == "dml" }?.reason.contains("DML") == true)
        #expect(selection.description.hasPrefix("cpu (skipped cuda: "))
        // The model that loaded works.
        let tokenizer = try GenAITokenizer(model: model)
        #expect(try tokenizer.encode("Hello, world!") == [19556, 28, 905, 17])
    }

    @Test("only unavailable providers: the load fails with .noProvider listing each reason")
    func noProvider() throws {
        let error = #expect(throws: OrtError.self) {
            try GenAIModel(runtime: try GenAITestSupport.runtime(),
                           directory: try GenAITestSupport.requireModelDirectory(), providers: ["qnn", "dml"])
        }
        #expect(error?.kind == .noProvider)
        #expect(error?.message.contains("qnn: ") == true)
        #expect(error?.message.contains("; dml: ") == true)
    }

    @Test("a missing model folder fails with OrtError(.genAI) naming it, with and without fallback")
    func missingFolder() throws {
        let runtime = try GenAITestSupport.runtime()
        let folder = "/nonexistent/genai-model-folder"
        let plain = #expect(throws: OrtError.self) { try GenAIModel(runtime: runtime, directory: folder) }
        #expect(plain?.kind == .genAI)
        #expect(plain?.message.contains(folder) == true)
        let chain = #expect(throws: OrtError.self) {
            try GenAIModel(runtime: runtime, directory: folder, providers: ["cuda", "cpu"])
        }
        #expect(chain?.kind == .genAI)
        #expect(chain?.message.contains(folder) == true)
    }

    @Test("a genai_config.json that is not JSON fails with OrtError(.genAI) and the parser's message")
    func badConfig() throws {
        let copy = try GenAITestSupport.modelCopy(replacing: ["genai_config.json": "{ \"model\": { oops"])
        defer { try? FileManager.default.removeItem(at: copy) }
        let error = #expect(throws: OrtError.self) {
            try GenAIModel(runtime: try GenAITestSupport.runtime(), directory: copy.path)
        }
        #expect(error?.kind == .genAI)
        #expect(error?.message.contains(copy.path) == true)
        #expect((error?.message.count ?? 0) > copy.path.count + 40)
    }

    @Test("a config without model.context_length is refused by name")
    func configWithoutContextLength() throws {
        var config = try GenAITestSupport.modelJSON("genai_config.json")
        var model = config["model"] as? [String: Any] ?? [:]
        model.removeValue(forKey: "context_length")
        config["model"] = model
        let copy = try GenAITestSupport.modelCopy(replacing: ["genai_config.json": try GenAITestSupport.json(config)])
        defer { try? FileManager.default.removeItem(at: copy) }
        let error = #expect(throws: OrtError.self) {
            try GenAIModel(runtime: try GenAITestSupport.runtime(), directory: copy.path)
        }
        #expect(error?.kind == .genAI)
        #expect(error?.message.contains("context_length") == true)
    }

    @Test("a folder without model.onnx fails cleanly: .genAI alone, .noProvider with the reason in a chain")
    func missingModelFile() throws {
        let copy = try GenAITestSupport.modelCopy(omitting: ["model.onnx"])
        defer { try? FileManager.default.removeItem(at: copy) }
        let runtime = try GenAITestSupport.runtime()
        let plain = #expect(throws: OrtError.self) { try GenAIModel(runtime: runtime, directory: copy.path) }
        #expect(plain?.kind == .genAI)
        #expect(plain?.message.contains("model.onnx") == true)
        let chain = #expect(throws: OrtError.self) {
            try GenAIModel(runtime: runtime, directory: copy.path, providers: ["cpu"])
        }
        #expect(chain?.kind == .noProvider)
        #expect(chain?.message.contains("cpu: ") == true)
        #expect(chain?.message.contains("model.onnx") == true)
    }
}
