import Foundation
import Testing
@testable import GatewayCore
@testable import ONNXRuntime

/// Paths and loaders shared by the GatewayCore tests: the real runtime and default model `scripts/setup` installs.
enum CoreTestEnvironment {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let defaultModel = root.appendingPathComponent("models/all-minilm-l6-v2")
    static let fixtures = Bundle.module.resourceURL!.appendingPathComponent("Fixtures")

    static func runtime() throws -> OrtRuntime {
        let path = root.appendingPathComponent(".runtime/lib/libonnxruntime.so").path
        guard FileManager.default.fileExists(atPath: path) else {
            Issue.record("\(path) is missing: run scripts/setup first")
            throw OrtError(.libraryUnavailable, "missing runtime")
        }
        return try OrtRuntime.load(path: path)
    }

    static func model(directory: URL = defaultModel, id: String = "all-minilm-l6-v2") throws -> EmbeddingModel {
        guard FileManager.default.fileExists(atPath: directory.appendingPathComponent("model.onnx").path) else {
            Issue.record("\(directory.path) is missing: run scripts/setup first")
            throw ServingError.unavailable("missing model")
        }
        return try EmbeddingModel(id: id, directory: directory, runtime: runtime(),
                                  sessionConfiguration: SessionConfiguration(providers: [.cpu]))
    }

    /// A copy of the default model folder (model file linked, not copied) with `pooling` as its pooling config.
    static func modelFolder(pooling: [String: Bool], normalize: Bool = true, maxSequenceLength: Int? = 256) throws
        -> URL
    {
        let manager = FileManager.default
        let folder = manager.temporaryDirectory.appendingPathComponent("aigw-model-\(UUID().uuidString)")
        try manager.createDirectory(at: folder.appendingPathComponent("1_Pooling"), withIntermediateDirectories: true)
        for name in ["model.onnx", "tokenizer.json", "tokenizer_config.json", "vocab.txt", "special_tokens_map.json",
                     "config.json"] {
            try manager.createSymbolicLink(at: folder.appendingPathComponent(name),
                                           withDestinationURL: defaultModel.appendingPathComponent(name))
        }
        var config: [String: Any] = ["word_embedding_dimension": 384]
        for (key, value) in pooling { config[key] = value }
        try JSONSerialization.data(withJSONObject: config)
            .write(to: folder.appendingPathComponent("1_Pooling/config.json"))
        var modules: [[String: Any]] = [
            ["idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"],
            ["idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"],
        ]
        if normalize {
            modules.append(["idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"])
        }
        try JSONSerialization.data(withJSONObject: modules).write(to: folder.appendingPathComponent("modules.json"))
        if let maxSequenceLength {
            try JSONSerialization.data(withJSONObject: ["max_seq_length": maxSequenceLength, "do_lower_case": false])
                .write(to: folder.appendingPathComponent("sentence_bert_config.json"))
        }
        return folder
    }
}

/// One text of `Fixtures/embeddings_reference.json` (written by `tools/embedding_fixtures.py` from ONNX Runtime's
/// Python API and Hugging Face tokenizers) with its mean- and CLS-pooled reference vectors.
struct EmbeddingReference: Decodable, Sendable {
    let text: String
    let tokens: Int
    let mean: String
    let cls: String

    var meanVector: [Float] { Self.decode(mean) }
    var clsVector: [Float] { Self.decode(cls) }

    static func decode(_ base64: String) -> [Float] {
        let data = Data(base64Encoded: base64)!
        return data.withUnsafeBytes { raw in
            (0..<(data.count / 4)).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 4,
                                                                                               as: UInt32.self))) }
        }
    }

    static func all() throws -> [EmbeddingReference] {
        struct File: Decodable { let cases: [EmbeddingReference] }
        let url = CoreTestEnvironment.fixtures.appendingPathComponent("embeddings_reference.json")
        return try JSONDecoder().decode(File.self, from: Data(contentsOf: url)).cases
    }
}

func cosine(_ a: [Float], _ b: [Float]) -> Double {
    var dot = 0.0, na = 0.0, nb = 0.0
    for (x, y) in zip(a, b) {
        dot += Double(x) * Double(y)
        na += Double(x) * Double(x)
        nb += Double(y) * Double(y)
    }
    return dot / (na.squareRoot() * nb.squareRoot())
}
