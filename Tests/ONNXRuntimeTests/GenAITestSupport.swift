import Foundation
import Testing
@testable import ONNXRuntime

/// The real onnxruntime-genai library, the real SmolLM2 folder `scripts/setup` prepares, and the Python reference
/// (`tools/genai_fixtures.py`). Missing pieces fail the tests (they never skip).
enum GenAITestSupport {
    static let modelDirectory = TestPaths.root.appendingPathComponent("models/smollm2-135m-instruct").path

    static func runtime() throws -> GenAIRuntime {
        let ort = try TestPaths.runtime()
        guard FileManager.default.fileExists(atPath: TestPaths.genAILibrary) else {
            Issue.record("\(TestPaths.genAILibrary) is missing: run scripts/setup first")
            throw OrtError(.libraryUnavailable, "missing onnxruntime-genai")
        }
        return try GenAIRuntime.load(explicitPath: TestPaths.genAILibrary, onnxRuntimePath: ort.path)
    }

    /// One model and tokenizer shared by the tests (loading takes a second), loaded on first use.
    static func model() throws -> GenAIModel {
        try shared.model()
    }

    static func tokenizer() throws -> GenAITokenizer {
        try shared.tokenizer()
    }

    static func reference() throws -> GenAIReference {
        let url = TestPaths.fixtures.appendingPathComponent("genai_reference.json")
        return try JSONDecoder().decode(GenAIReference.self, from: Data(contentsOf: url))
    }

    /// Greedy-generates from `prompt` until done, as the Python reference does.
    static func greedy(_ model: GenAIModel, prompt: [Int32], newTokens: Int) throws -> [Int32] {
        let generator = try GenAIGenerator(model: model, options: .init(maxLength: prompt.count + newTokens))
        try generator.append(tokens: prompt)
        var output: [Int32] = []
        while !generator.isDone {
            try generator.generateNextToken()
            output += try generator.nextTokens()
        }
        return output
    }

    /// A temporary copy of the model folder: symbolic links to its files except `replacing` (written with the given
    /// text) and `omitting`. Removed by the caller.
    static func modelCopy(replacing: [String: String] = [:], omitting: Set<String> = []) throws -> URL {
        let source = URL(fileURLWithPath: try requireModelDirectory())
        let copy = FileManager.default.temporaryDirectory
            .appendingPathComponent("genai-model-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: copy, withIntermediateDirectories: true)
        for name in try FileManager.default.contentsOfDirectory(atPath: source.path) where !omitting.contains(name) {
            if let text = replacing[name] {
                try text.write(to: copy.appendingPathComponent(name), atomically: true, encoding: .utf8)
            } else {
                try FileManager.default.createSymbolicLink(at: copy.appendingPathComponent(name),
                                                           withDestinationURL: source.appendingPathComponent(name))
            }
        }
        return copy
    }

    /// The model folder's JSON file `name`, decoded, for edited copies.
    static func modelJSON(_ name: String) throws -> [String: Any] {
        let url = URL(fileURLWithPath: try requireModelDirectory()).appendingPathComponent(name)
        return try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any] ?? [:]
    }

    static func json(_ object: Any) throws -> String {
        String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
    }

    static func requireModelDirectory() throws -> String {
        guard FileManager.default.fileExists(atPath: modelDirectory + "/genai_config.json") else {
            Issue.record("\(modelDirectory) is missing: run scripts/setup first")
            throw OrtError(.genAI, "missing model")
        }
        return modelDirectory
    }

    private static let shared = SharedModel()

    private final class SharedModel: @unchecked Sendable {
        private let lock = NSLock()
        private var loadedModel: GenAIModel?
        private var loadedTokenizer: GenAITokenizer?

        func model() throws -> GenAIModel {
            try lock.withLock {
                if let loadedModel { return loadedModel }
                let model = try GenAIModel(runtime: try GenAITestSupport.runtime(),
                                           directory: try GenAITestSupport.requireModelDirectory())
                loadedModel = model
                return model
            }
        }

        func tokenizer() throws -> GenAITokenizer {
            let model = try model()
            return try lock.withLock {
                if let loadedTokenizer { return loadedTokenizer }
                let tokenizer = try GenAITokenizer(model: model)
                loadedTokenizer = tokenizer
                return tokenizer
            }
        }
    }
}

/// `Fixtures/genai_reference.json`, written by `tools/genai_fixtures.py` from onnxruntime-genai's Python API.
struct GenAIReference: Decodable {
    struct Chat: Decodable, CustomTestStringConvertible {
        let name: String
        let messagesJSON: String
        let rendered: String
        let promptIDs: [Int32]
        let greedyIDs: [Int32]
        let greedyText: String

        enum CodingKeys: String, CodingKey {
            case name, rendered
            case messagesJSON = "messages_json"
            case promptIDs = "prompt_ids"
            case greedyIDs = "greedy_ids"
            case greedyText = "greedy_text"
        }

        var testDescription: String { name }
    }

    struct RoundTrip: Decodable {
        let text: String
        let ids: [Int32]
        let decoded: String
    }

    let newTokens: Int
    let eosTokenIDs: [Int32]
    let chats: [Chat]
    let roundTrips: [RoundTrip]

    enum CodingKeys: String, CodingKey {
        case chats
        case newTokens = "new_tokens"
        case eosTokenIDs = "eos_token_ids"
        case roundTrips = "round_trips"
    }

    /// The chats, for parameterised tests; an empty list (and a recorded failure) if the fixture cannot be read.
    static var chatsForArguments: [Chat] {
        do {
            return try GenAITestSupport.reference().chats
        } catch {
            return []
        }
    }
}
