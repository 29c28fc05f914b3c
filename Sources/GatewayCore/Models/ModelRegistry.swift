import Foundation
import ONNXRuntime

/// A model that is loaded and serving, with the provider that serves it.
public struct LoadedModelInfo: Sendable, Equatable {
    public let id: String
    public let kind: ModelKind
    public let provider: ProviderSelection
    /// Resident memory the load added (measured).
    public let residentBytes: Int

    public init(id: String, kind: ModelKind, provider: ProviderSelection, residentBytes: Int = 0) {
        self.id = id
        self.kind = kind
        self.provider = provider
        self.residentBytes = residentBytes
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
