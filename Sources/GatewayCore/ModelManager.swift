import Foundation
import Logging
import ONNXRuntime

/// An embedding model ready to serve: the model and the batcher that runs it.
public final class EmbeddingService: Sendable {
    public let model: EmbeddingModel
    public let batcher: EmbeddingBatcher

    public init(model: EmbeddingModel, batcher: EmbeddingBatcher) {
        self.model = model
        self.batcher = batcher
    }
}

/// Loads models from the catalog when first asked for (once, however many requests ask at the same time),
/// records the provider serving each, and hands out the loaded services.
public actor ModelManager {
    public let catalog: ModelCatalog
    public let runtime: InferenceRuntime
    public let configuration: GatewayConfiguration
    public let registry: ModelRegistry
    private let logger: Logger
    private var embeddingLoads: [String: Task<EmbeddingService, any Error>] = [:]
    private var chatLoads: [String: Task<ChatEngine, any Error>] = [:]
    private var loadedChatEngines: [ChatEngine] = []

    public init(catalog: ModelCatalog, runtime: InferenceRuntime, configuration: GatewayConfiguration,
                registry: ModelRegistry, logger: Logger) {
        self.catalog = catalog
        self.runtime = runtime
        self.configuration = configuration
        self.registry = registry
        self.logger = logger
    }

    /// The embedding model `id`, loading it if needed. 404 for an unknown id, 400 for a chat model, 503 when the
    /// runtime is missing or the model fails to load (a failed load is retried by the next request).
    public func embeddingService(id: String) async throws -> EmbeddingService {
        let entry = try entry(id: id, kind: .embedding)
        if let load = embeddingLoads[id] { return try await load.value }
        guard let ort = runtime.onnxRuntime else {
            throw GatewayError.unavailable(
                "ONNX Runtime is unavailable: \(runtime.onnxRuntimeStatus.error ?? "unknown reason")",
                code: "runtime_unavailable")
        }
        let configuration = self.configuration
        let registry = self.registry
        let logger = self.logger
        let load = Task<EmbeddingService, any Error> {
            let model = try await Self.onLoadThread {
                try EmbeddingModel(id: id, directory: entry.directory, runtime: ort,
                                   sessionConfiguration: SessionConfiguration(
                                       intraOpThreads: configuration.intraOpThreads,
                                       graphOptimization: configuration.graphOptimization,
                                       providers: configuration.providers))
            }
            logger.info("loaded \(id) on \(model.session.providerSelection)")
            registry.record(LoadedModelInfo(id: id, kind: .embedding, provider: model.session.providerSelection))
            let batcher = EmbeddingBatcher(
                name: id, batchSize: configuration.embeddingBatchSize,
                maxWait: .microseconds(Int64(configuration.embeddingBatchWaitMilliseconds * 1000)),
                maxBatchTokens: configuration.embeddingBatchTokens
            ) { sequences in try model.run(sequences) }
            return EmbeddingService(model: model, batcher: batcher)
        }
        embeddingLoads[id] = load
        return try await finish(load, id: id) { $0.embeddingLoads[id] = nil }
    }

    /// The chat model `id`, loading it if needed. 404 for an unknown id, 400 for an embedding model, 503 when
    /// onnxruntime-genai is missing or the model fails to load.
    public func chatEngine(id: String) async throws -> ChatEngine {
        let entry = try entry(id: id, kind: .chat)
        if let load = chatLoads[id] { return try await load.value }
        guard let genAI = runtime.genAI else {
            throw GatewayError.unavailable(
                "onnxruntime-genai is unavailable: \(runtime.genAIStatus.error ?? "unknown reason")",
                code: "runtime_unavailable")
        }
        let configuration = self.configuration
        let registry = self.registry
        let logger = self.logger
        let available = Set(runtime.availableProviders)
        let load = Task<ChatEngine, any Error> {
            var skipped: [ProviderSelection.Skip] = []
            var candidates: [ExecutionProviderKind] = []
            for kind in configuration.providers {
                if available.contains(kind.onnxRuntimeName) {
                    candidates.append(kind)
                } else {
                    skipped.append(.init(provider: kind, reason: "not in this ONNX Runtime build"))
                }
            }
            guard !candidates.isEmpty else {
                let reasons = skipped.map { "\($0.provider.rawValue): \($0.reason)" }.joined(separator: "; ")
                throw GatewayError.unavailable("no execution provider can run \(id) (\(reasons))",
                                               code: "model_load_failed")
            }
            let names = candidates.map(\.genAIName)
            let (model, tokenizer) = try await Self.onLoadThread {
                let model = try GenAIModel(runtime: genAI, directory: entry.directory.path, providers: names)
                return (model, try GenAITokenizer(model: model))
            }
            for skip in model.providerSelection.skipped {
                if let kind = candidates.first(where: { $0.genAIName == skip.provider }) {
                    skipped.append(.init(provider: kind, reason: skip.reason))
                }
            }
            let chosen = candidates.first { $0.genAIName == model.providerSelection.chosen } ?? .cpu
            let selection = ProviderSelection(chosen: chosen, skipped: skipped)
            logger.info("loaded \(id) on \(selection) (context \(model.contextLength) tokens)")
            registry.record(LoadedModelInfo(id: id, kind: .chat, provider: selection))
            let planner = WavePlanner(maxBatch: configuration.maxBatchSize,
                                      maxWaves: configuration.maxParallelGenerations,
                                      maxQueued: configuration.maxQueuedGenerations,
                                      window: .microseconds(Int64(configuration.batchWindowMilliseconds * 1000)))
            return ChatEngine(id: id, model: model, tokenizer: tokenizer, provider: selection, planner: planner)
        }
        chatLoads[id] = load
        let engine = try await finish(load, id: id) { $0.chatLoads[id] = nil }
        if !loadedChatEngines.contains(where: { $0 === engine }) { loadedChatEngines.append(engine) }
        return engine
    }

    /// The catalog entry `id`: 404 when unknown, 400 when it is not a `kind` model.
    private func entry(id: String, kind: ModelKind) throws -> ModelEntry {
        guard let entry = catalog.entry(id: id) else { throw GatewayError.modelNotFound(id) }
        guard entry.kind == kind else {
            throw GatewayError.invalidRequest(
                "The model '\(id)' is a \(entry.kind.rawValue) model; this route needs a \(kind.rawValue) model",
                param: "model", code: "model_not_supported")
        }
        return entry
    }

    /// Awaits a model load; on failure forgets it (the next request retries) and maps the error to a 503.
    private func finish<T>(_ load: Task<T, any Error>, id: String, forget: (isolated ModelManager) -> Void)
        async throws -> T
    {
        do {
            return try await load.value
        } catch {
            forget(self)
            logger.error("cannot load \(id): \(error)")
            if let error = error as? GatewayError { throw error }
            throw GatewayError.unavailable("The model '\(id)' could not be loaded: \(error)", code: "model_load_failed")
        }
    }

    /// Generations running now, over every chat model.
    public func activeGenerations() -> Int {
        loadedChatEngines.reduce(0) { $0 + $1.activeCount }
    }

    /// Loads every model in the catalog (used at start so the first request does not pay for it).
    public func preload() async {
        for entry in catalog.entries {
            switch entry.kind {
            case .embedding: _ = try? await embeddingService(id: entry.id)
            case .chat: _ = try? await chatEngine(id: entry.id)
            }
        }
    }

    /// Runs blocking work (model loading) on a dispatch thread, not on Swift's cooperative pool.
    static func onLoadThread<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global(qos: .userInitiated).async {
                continuation.resume(with: Result { try work() })
            }
        }
    }
}
