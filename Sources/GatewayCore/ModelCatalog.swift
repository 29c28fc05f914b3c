import Foundation

/// What a model folder holds, judged from its files.
public enum ModelKind: String, Sendable, Codable {
    /// A sentence-transformers style encoder (`model.onnx` or `onnx/model.onnx`) served by `/v1/embeddings`.
    case embedding
    /// An onnxruntime-genai decoder folder (`genai_config.json`) served by the chat and completion routes.
    case chat
}

/// One model folder found in the models directory.
public struct ModelEntry: Sendable, Equatable {
    /// The folder name, which is the model's id in the API.
    public let id: String
    public let kind: ModelKind
    public let directory: URL
    /// Seconds since 1970 of the folder's last modification, reported as OpenAI's `created`.
    public let created: Int
}

/// The models found in the models directory: each sub-folder with `genai_config.json` is a chat model, each with
/// `model.onnx` or `onnx/model.onnx` an embedding model; others (and hidden folders) are ignored.
public struct ModelCatalog: Sendable {
    public let directory: URL
    public let entries: [ModelEntry]

    public init(directory: URL, entries: [ModelEntry]) {
        self.directory = directory
        self.entries = entries
    }

    /// Scans `directory`; a missing directory is an empty catalog.
    public static func scan(directory: URL) -> ModelCatalog {
        let manager = FileManager.default
        let names = (try? manager.contentsOfDirectory(atPath: directory.path)) ?? []
        var entries: [ModelEntry] = []
        for name in names.sorted() where !name.hasPrefix(".") {
            let folder = directory.appendingPathComponent(name, isDirectory: true)
            func has(_ file: String) -> Bool { manager.fileExists(atPath: folder.appendingPathComponent(file).path) }
            let kind: ModelKind
            if has("genai_config.json") {
                kind = .chat
            } else if has("model.onnx") || has("onnx/model.onnx") {
                kind = .embedding
            } else {
                continue
            }
            let modified = (try? manager.attributesOfItem(atPath: folder.path)[.modificationDate] as? Date) ?? nil
            entries.append(ModelEntry(id: name, kind: kind, directory: folder,
                                      created: Int((modified ?? Date(timeIntervalSince1970: 0)).timeIntervalSince1970)))
        }
        return ModelCatalog(directory: directory, entries: entries)
    }

    public func entry(id: String) -> ModelEntry? { entries.first { $0.id == id } }
}
