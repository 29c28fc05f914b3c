import Foundation
import ONNXRuntime

/// A model that is loaded and serving, with the provider that serves it.
public struct LoadedModelInfo: Sendable, Equatable {
    public let id: String
    public let kind: ModelKind
    public let provider: ProviderSelection
    /// Resident memory the load added (measured).
    public let residentBytes: Int
    /// A chat model's engine: `ai-gateway` (the decode engine) or `onnxruntime-genai`, and why the latter.
    public let engine: String?
    public let engineNote: String?
    /// The context one request may use (a chat model's KV cache row).
    public let contextLength: Int?
    /// A chat model's KV cache: rows (requests at once) × tokens per row.
    public let kvCacheRows: Int?
    public let kvCacheRowTokens: Int?
    /// A chat model's tools: who renders them (`model_template` or `default_block`) and the call format it writes.
    public let toolTemplate: String?
    public let toolCallFormat: String?

    public init(id: String, kind: ModelKind, provider: ProviderSelection, residentBytes: Int = 0,
                engine: String? = nil, engineNote: String? = nil, contextLength: Int? = nil,
                kvCacheRows: Int? = nil, kvCacheRowTokens: Int? = nil, toolTemplate: String? = nil,
                toolCallFormat: String? = nil) {
        self.id = id
        self.kind = kind
        self.provider = provider
        self.residentBytes = residentBytes
        self.engine = engine
        self.engineNote = engineNote
        self.contextLength = contextLength
        self.kvCacheRows = kvCacheRows
        self.kvCacheRowTokens = kvCacheRowTokens
        self.toolTemplate = toolTemplate
        self.toolCallFormat = toolCallFormat
    }
}

/// The models loaded right now, shared by the routes that report them (`/health`, `/v1/models`).
public final class ModelRegistry: Sendable {
    private let state = LockedValue<[String: LoadedModelInfo]>([:])

    public init() {}

    public func record(_ info: LoadedModelInfo) {
        state.withLock { $0[info.id] = info }
    }

    public func remove(id: String) {
        _ = state.withLock { $0.removeValue(forKey: id) }
    }

    public func info(id: String) -> LoadedModelInfo? {
        state.withLock { $0[id] }
    }

    public var all: [LoadedModelInfo] {
        state.withLock { $0.values.sorted { $0.id < $1.id } }
    }
}
