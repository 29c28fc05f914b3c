import Foundation
import Logging
import Metrics
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
    private var shuttingDown = false

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
    /// - Parameter requestLogger: the asking request's logger (its metadata carries the request id), used for what
    ///   this call logs; nil: the manager's own.
    public func embeddingService(id: String, requestLogger: Logger? = nil) async throws -> EmbeddingService {
        let entry = try entry(id: id, kind: .embedding)
        guard !shuttingDown else { throw ServingError(.shuttingDown, "The server is shutting down") }
        if let load = embeddingLoads[id] {
            return try await finish(load, id: id, logger: requestLogger) { $0.embeddingLoads[id] = nil }
        }
        guard let ort = runtime.onnxRuntime else {
            throw ServingError(.runtimeUnavailable,
                               "ONNX Runtime is unavailable: \(runtime.onnxRuntimeStatus.error ?? "unknown reason")")
        }
        let configuration = self.configuration
        let registry = self.registry
        let logger = requestLogger ?? self.logger
        let load = Task<EmbeddingService, any Error> {
            let started = ContinuousClock.now
            let residentBefore = ProcessMemory.residentBytes()
            let model = try await Self.onLoadThread {
                try EmbeddingModel(id: id, directory: entry.directory, runtime: ort,
                                   sessionConfiguration: SessionConfiguration(
                                       intraOpThreads: configuration.intraOpThreads,
                                       graphOptimization: configuration.graphOptimization,
                                       providers: configuration.providers))
            }
            logger.info("loaded \(id) on \(model.session.providerSelection)")
            registry.record(LoadedModelInfo(id: id, kind: .embedding, provider: model.session.providerSelection))
            let provider = model.session.providerSelection.chosen.onnxRuntimeName
            Self.recordLoad(id: id, provider: provider, started: started, residentBefore: residentBefore)
            let batcher = EmbeddingBatcher(
                name: id, batchSize: configuration.embeddingBatchSize,
                maxWait: .microseconds(Int64(configuration.embeddingBatchWaitMilliseconds * 1000)),
                maxBatchTokens: configuration.embeddingBatchTokens,
                maxQueuedInputs: configuration.maxQueuedEmbeddingInputs,
                metrics: EngineMetrics(model: id, provider: provider, kind: "embeddings")
            ) { sequences in try model.run(sequences) }
            return EmbeddingService(model: model, batcher: batcher)
        }
        embeddingLoads[id] = load
        return try await finish(load, id: id, logger: requestLogger) { $0.embeddingLoads[id] = nil }
    }

    /// The chat model `id`, loading it if needed. 404 for an unknown id, 400 for an embedding model, 503 when
    /// onnxruntime-genai is missing or the model fails to load.
    /// - Parameter requestLogger: the asking request's logger (its metadata carries the request id), used for what
    ///   this call logs; nil: the manager's own.
    public func chatEngine(id: String, requestLogger: Logger? = nil) async throws -> ChatEngine {
        let entry = try entry(id: id, kind: .chat)
        guard !shuttingDown else { throw ServingError(.shuttingDown, "The server is shutting down") }
        if let load = chatLoads[id] {
            return try await finish(load, id: id, logger: requestLogger) { $0.chatLoads[id] = nil }
        }
        guard let genAI = runtime.genAI else {
            throw ServingError(.runtimeUnavailable,
                               "onnxruntime-genai is unavailable: \(runtime.genAIStatus.error ?? "unknown reason")")
        }
        let configuration = self.configuration
        let registry = self.registry
        let logger = requestLogger ?? self.logger
        let available = Set(runtime.availableProviders)
        let load = Task<ChatEngine, any Error> {
            let started = ContinuousClock.now
            let residentBefore = ProcessMemory.residentBytes()
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
                throw ServingError(.modelLoadFailed, "no execution provider can run \(id) (\(reasons))")
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
            Self.recordLoad(id: id, provider: chosen.onnxRuntimeName, started: started, residentBefore: residentBefore)
            let planner = WavePlanner(maxBatch: configuration.maxBatchSize,
                                      maxWaves: configuration.maxParallelGenerations,
                                      maxQueued: configuration.maxQueuedGenerations,
                                      window: .microseconds(Int64(configuration.batchWindowMilliseconds * 1000)))
            return ChatEngine(id: id, model: model, tokenizer: tokenizer, provider: selection, planner: planner,
                              maxBufferedEvents: configuration.streamBufferEvents)
        }
        chatLoads[id] = load
        let engine = try await finish(load, id: id, logger: requestLogger) { $0.chatLoads[id] = nil }
        if shuttingDown { engine.stopAll() }
        if !loadedChatEngines.contains(where: { $0 === engine }) { loadedChatEngines.append(engine) }
        return engine
    }

    /// The catalog entry `id`: 404 when unknown, 400 when it is not a `kind` model.
    private func entry(id: String, kind: ModelKind) throws -> ModelEntry {
        guard let entry = catalog.entry(id: id) else { throw ServingError.modelNotFound(id) }
        guard entry.kind == kind else {
            throw ServingError(.wrongModelKind,
                "The model '\(id)' is a \(entry.kind.rawValue) model; this route needs a \(kind.rawValue) model")
        }
        return entry
    }

    /// Awaits a model load; on failure forgets it (the next request retries) and maps the error to a 503.
    private func finish<T>(_ load: Task<T, any Error>, id: String, logger requestLogger: Logger?,
                           forget: (isolated ModelManager) -> Void) async throws -> T {
        do {
            return try await load.value
        } catch {
            forget(self)
            (requestLogger ?? logger).error("cannot load \(id): \(error)")
            if let error = error as? ServingError { throw error }
            throw ServingError(.modelLoadFailed, "The model '\(id)' could not be loaded: \(error)")
        }
    }

    /// Records a finished load's duration and the resident memory it added, labelled by model and provider.
    private static func recordLoad(id: String, provider: String, started: ContinuousClock.Instant,
                                   residentBefore: Int) {
        let dimensions = [("model", id), ("provider", provider)]
        let elapsed = ContinuousClock.now - started
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        Gauge(label: "aigw_model_load_seconds", dimensions: dimensions).record(seconds)
        Gauge(label: "aigw_model_resident_bytes", dimensions: dimensions)
            .record(max(0, ProcessMemory.residentBytes() - residentBefore))
    }

    /// Ends every generation now (a shutdown's grace period is over): waiting ones fail as shutting down, running
    /// ones end as `length` before their next token; new requests are refused from here on.
    public func stopGenerations() {
        shuttingDown = true
        for engine in loadedChatEngines { engine.stopAll() }
    }

    /// Stops every model's threads, waits for them, and releases every model. New requests are refused.
    public func shutdown() async {
        shuttingDown = true
        let embeddings = embeddingLoads.values
        let chats = chatLoads.values
        embeddingLoads.removeAll()
        chatLoads.removeAll()
        loadedChatEngines.removeAll()
        for load in embeddings {
            if let service = try? await load.value {
                try? await Self.onLoadThread { service.batcher.shutdown() }
                registry.remove(id: service.model.id)
            }
        }
        for load in chats {
            if let engine = try? await load.value {
                try? await Self.onLoadThread { engine.shutdown() }
                registry.remove(id: engine.id)
            }
        }
        logger.info("every model released")
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
