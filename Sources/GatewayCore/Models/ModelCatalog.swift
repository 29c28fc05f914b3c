import Foundation

/// What a model folder holds, judged from its files.
public enum ModelKind: String, Sendable, Codable {
    /// A sentence-transformers style encoder (`model.onnx` or `onnx/model.onnx`) served by `/v1/embeddings`.
    case embedding
    /// An onnxruntime-genai decoder folder (`genai_config.json`) served by the chat and completion routes.
    case chat
}

/// One model folder found in the models directory, usable or not.
public struct ModelEntry: Sendable, Equatable {
    /// The id in the API: `id` from its `ai-gateway.yaml`, else the folder name.
    public let id: String
    /// nil when the folder's kind could not be told (see `problem`).
    public let kind: ModelKind?
    public let directory: URL
    /// Seconds since 1970 of the folder's last modification, reported as OpenAI's `created`.
    public let created: Int
    public let settings: ModelSettings
    /// Why the folder cannot be served (bad `ai-gateway.yaml`, missing files, an id used twice); nil when usable.
    public let problem: String?
    /// Bytes of the folder's files (the weights, mostly).
    public let weightBytes: Int
    /// KV cache bytes per token of context (chat models; 0 for embedding models).
    public let kvBytesPerToken: Int
    /// The model's own context length (chat models, from `genai_config.json`), before the settings' cap.
    public let modelContextLength: Int?
    /// Whether its `genai_config.json` sets `session_options.intra_op_num_threads` itself.
    public let configuresThreads: Bool

    public init(id: String, kind: ModelKind?, directory: URL, created: Int, settings: ModelSettings = ModelSettings(),
                problem: String? = nil, weightBytes: Int = 0, kvBytesPerToken: Int = 0, modelContextLength: Int? = nil,
                configuresThreads: Bool = false) {
        self.id = id
        self.kind = kind
        self.directory = directory
        self.created = created
        self.settings = settings
        self.problem = problem
        self.weightBytes = weightBytes
        self.kvBytesPerToken = kvBytesPerToken
        self.modelContextLength = modelContextLength
        self.configuresThreads = configuresThreads
    }

    public var aliases: [String] { settings.aliases }

    /// The context length served: the model's, capped by `context_length` in its settings.
    public var contextLength: Int? {
        guard let own = modelContextLength else { return nil }
        return min(own, settings.contextLength ?? own)
    }

    /// Tokens of KV cache a chat model gets for `rows` concurrent requests: `kv_cache_tokens`, else each row the
    /// served context length up to `KVLayout.defaultRowTokens`.
    public func kvCacheTokens(rows: Int) -> Int {
        if let tokens = settings.kvCacheTokens { return tokens }
        let perRow = min(contextLength ?? 0, KVLayout.defaultRowTokens)
        let (total, overflow) = max(1, rows).multipliedReportingOverflow(by: perRow)
        return overflow ? Int.max / 2 : total
    }

    /// Memory the model is expected to need once loaded with `rows` KV cache rows: its files plus its KV cache.
    public func estimatedBytes(rows: Int) -> Int {
        let (kv, overflow) = kvBytesPerToken.multipliedReportingOverflow(by: kvCacheTokens(rows: rows))
        return overflow ? Int.max / 2 : weightBytes + kv
    }
}

/// The models found in the models directory: each sub-folder with `genai_config.json` is a chat model, each with
/// `model.onnx` or `onnx/model.onnx` an embedding model. A folder that is neither, or whose settings are broken, is
/// kept with its problem so that it is listed with it; hidden folders (a pull in progress) are ignored.
public struct ModelCatalog: Sendable {
    public let directory: URL
    public let entries: [ModelEntry]

    public init(directory: URL, entries: [ModelEntry]) {
        self.directory = directory
        self.entries = entries
    }

    /// Whether `name` can be a model id or alias: 1 to 128 of letters, digits, `.`, `_`, `-`, `:`, not starting
    /// with `.`.
    public static func isValidName(_ name: String) -> Bool {
        guard (1...128).contains(name.utf8.count), name.first != "." else { return false }
        return name.unicodeScalars.allSatisfy { scalar in
            scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar)
                || scalar == "." || scalar == "_" || scalar == "-" || scalar == ":")
        }
    }

    /// Scans `directory`; a missing directory is an empty catalog.
    public static func scan(directory: URL) -> ModelCatalog {
        let manager = FileManager.default
        let names = (try? manager.contentsOfDirectory(atPath: directory.path)) ?? []
        var entries: [ModelEntry] = []
        var taken: [String: String] = [:]  // id or alias -> folder
        for name in names.sorted() where !name.hasPrefix(".") {
            let folder = directory.appendingPathComponent(name, isDirectory: true)
            var isDirectory: ObjCBool = false
            guard manager.fileExists(atPath: folder.path, isDirectory: &isDirectory), isDirectory.boolValue else {
                continue
            }
            var entry = inspect(folder: folder, name: name)
            if entry.problem == nil {
                for claimed in [entry.id] + entry.aliases {
                    if let other = taken[claimed] {
                        entry = entry.with(problem: "'\(claimed)' is already the id or an alias of folder '\(other)'")
                        break
                    }
                }
            }
            if entries.contains(where: { $0.id == entry.id }) {
                // A broken folder whose id clashes is listed under its folder name instead.
                entry = entry.renamed(name == entry.id ? "\(name)#\(entries.count)" : name)
            }
            if entry.problem == nil {
                for claimed in [entry.id] + entry.aliases { taken[claimed] = name }
            }
            entries.append(entry)
        }
        return ModelCatalog(directory: directory, entries: entries)
    }

    /// The entry whose id or alias is `name`.
    public func entry(named name: String) -> ModelEntry? {
        entries.first { $0.id == name } ?? entries.first { $0.problem == nil && $0.aliases.contains(name) }
    }

    public func entry(id: String) -> ModelEntry? { entry(named: id) }

    private static func inspect(folder: URL, name: String) -> ModelEntry {
        let manager = FileManager.default
        func has(_ file: String) -> Bool { manager.fileExists(atPath: folder.appendingPathComponent(file).path) }
        let modified = (try? manager.attributesOfItem(atPath: folder.path)[.modificationDate] as? Date) ?? nil
        let created = Int((modified ?? Date(timeIntervalSince1970: 0)).timeIntervalSince1970)
        let weights = folderBytes(folder)
        func broken(_ id: String, _ kind: ModelKind?, _ problem: String, settings: ModelSettings = ModelSettings())
            -> ModelEntry
        {
            ModelEntry(id: id, kind: kind, directory: folder, created: created, settings: settings, problem: problem,
                       weightBytes: weights)
        }
        let kind: ModelKind
        if has("genai_config.json") {
            kind = .chat
        } else if has("model.onnx") || has("onnx/model.onnx") {
            kind = .embedding
        } else {
            return broken(name, nil, "not a model folder: it has no genai_config.json (chat) and no model.onnx or "
                                      + "onnx/model.onnx (embedding)")
        }
        let settings: ModelSettings
        do {
            settings = try ModelSettings.load(folder: folder)
        } catch {
            return broken(name, kind, error.message)
        }
        let id = settings.id ?? name
        guard isValidName(id) else {
            return broken(name, kind, "the folder name is not a valid model id (letters, digits, '.', '_', '-', ':'); "
                                      + "set 'id' in its \(ModelSettings.fileName)", settings: settings)
        }
        switch kind {
        case .chat:
            do {
                let facts = try GenAIFacts.read(folder: folder)
                return ModelEntry(id: id, kind: .chat, directory: folder, created: created, settings: settings,
                                  weightBytes: weights, kvBytesPerToken: facts.kvBytesPerToken,
                                  modelContextLength: facts.contextLength, configuresThreads: facts.configuresThreads)
            } catch {
                return broken(id, kind, "genai_config.json: \(error.message)", settings: settings)
            }
        case .embedding:
            guard has("tokenizer.json") || has("vocab.txt") else {
                return broken(id, kind, "incomplete embedding model: no tokenizer.json or vocab.txt", settings: settings)
            }
            return ModelEntry(id: id, kind: .embedding, directory: folder, created: created, settings: settings,
                              weightBytes: weights)
        }
    }

    /// Total bytes of the regular files under `folder`.
    static func folderBytes(_ folder: URL) -> Int {
        guard let walker = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: [.fileSizeKey]) else {
            return 0
        }
        var total = 0
        for case let file as URL in walker {
            if let size = (try? file.resourceValues(forKeys: [.fileSizeKey]))?.fileSize { total += size }
        }
        return total
    }
}

extension ModelEntry {
    func with(problem: String) -> ModelEntry {
        ModelEntry(id: id, kind: kind, directory: directory, created: created, settings: settings, problem: problem,
                   weightBytes: weightBytes, kvBytesPerToken: kvBytesPerToken, modelContextLength: modelContextLength,
                   configuresThreads: configuresThreads)
    }

    func renamed(_ newID: String) -> ModelEntry {
        ModelEntry(id: newID, kind: kind, directory: directory, created: created, settings: settings,
                   problem: problem ?? "id clash", weightBytes: weightBytes, kvBytesPerToken: kvBytesPerToken,
                   modelContextLength: modelContextLength, configuresThreads: configuresThreads)
    }
}

/// The facts of a genai folder the catalog needs: context length and KV cache bytes per token. Fields it lacks
/// are left for onnxruntime-genai to judge at load (the estimate is then the files alone).
struct GenAIFacts {
    let contextLength: Int?
    let kvBytesPerToken: Int
    /// Whether `model.decoder.session_options.intra_op_num_threads` is set.
    var configuresThreads = false

    static func read(folder: URL) throws(ModelSettingsError) -> GenAIFacts {
        guard let data = try? Data(contentsOf: folder.appendingPathComponent("genai_config.json")),
              let root = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
        else { throw ModelSettingsError("not readable as a JSON object") }
        guard let model = root["model"] as? [String: Any] else {
            throw ModelSettingsError("it has no 'model' object")
        }
        let context = (model["context_length"] as? Int).flatMap { (1...(1 << 24)).contains($0) ? $0 : nil }
        let decoder = model["decoder"] as? [String: Any] ?? [:]
        func count(_ key: String) -> Int? {
            guard let value = decoder[key] as? Int, (1...65536).contains(value) else { return nil }
            return value
        }
        let threads = (decoder["session_options"] as? [String: Any])?["intra_op_num_threads"] != nil
        guard let layers = count("num_hidden_layers") else {
            return GenAIFacts(contextLength: context, kvBytesPerToken: 0, configuresThreads: threads)
        }
        let heads = count("num_key_value_heads") ?? count("num_attention_heads") ?? 1
        let headSize = count("head_size") ?? ((count("hidden_size") ?? 64) / max(1, count("num_attention_heads") ?? 1))
        // Keys and values, float32 on the CPU.
        return GenAIFacts(contextLength: context, kvBytesPerToken: layers * 2 * heads * max(1, headSize) * 4,
                          configuresThreads: threads)
    }
}
