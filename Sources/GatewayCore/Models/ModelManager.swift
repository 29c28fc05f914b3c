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

/// A loaded model of either kind.
enum LoadedService: Sendable {
    case embedding(EmbeddingService)
    case chat(ChatEngine)
}

/// What `/v1/models` reports of one model.
public struct ModelStatus: Sendable {
    public enum State: String, Sendable {
        case available, loading, loaded, unloading, failed
    }

    public let entry: ModelEntry
    public let state: State
    /// Why it failed (or why the folder cannot be served).
    public let error: String?
    public let provider: ProviderSelection?
    /// What the load reported (engine, context, KV cache) while loaded.
    public var loaded: LoadedModelInfo? = nil
    public let residentBytes: Int?
    public let leases: Int
    public let keepAlive: KeepAlive
    /// When an idle loaded model will unload (nil: in use, kept for ever, or not loaded).
    public let expiresAt: Date?
}

/// Owns every model: finds them in the models folder (again when asked for one it does not know), loads them on
/// first use (once, however many requests ask at once), hands out leases, unloads idle ones when their keep-alive
/// is over or when another needs their memory. The decisions are `ModelLifecycle`'s; this class performs them.
public final class ModelManager: Sendable {
    public let runtime: InferenceRuntime
    public let configuration: GatewayConfiguration
    public let registry: ModelRegistry
    /// The memory budget in bytes.
    public let budget: Int
    private let logger: Logger
    private let state: LockedValue<State>
    private let catalogDirectory: URL

    struct State {
        var catalog: ModelCatalog
        var lifecycle: ModelLifecycle
        var waiters: [ModelLifecycle.WaiterID: CheckedContinuation<Int, any Error>] = [:]
        var nextWaiter: ModelLifecycle.WaiterID = 1
        var services: [String: LoadedService] = [:]
        var shuttingDown = false
        /// Loads and unloads running now (shutdown waits for them).
        var tasksInFlight = 0
    }

    public init(catalog: ModelCatalog, runtime: InferenceRuntime, configuration: GatewayConfiguration,
                registry: ModelRegistry, logger: Logger) {
        self.runtime = runtime
        self.configuration = configuration
        self.registry = registry
        self.logger = logger
        self.catalogDirectory = catalog.directory
        self.budget = configuration.memoryBudget.bytes(physical: ProcessMemory.physicalBytes())
        var lifecycle = ModelLifecycle(budget: budget)
        Self.register(catalog, in: &lifecycle, defaultKeepAlive: configuration.keepAlive, rows: configuration.maxBatchSize)
        self.state = LockedValue(State(catalog: catalog, lifecycle: lifecycle))
    }

    public var catalog: ModelCatalog { state.withLock { $0.catalog } }

    private static func register(_ catalog: ModelCatalog, in lifecycle: inout ModelLifecycle,
                                 defaultKeepAlive: KeepAlive, rows: Int) {
        for entry in catalog.entries where entry.problem == nil {
            lifecycle.register(id: entry.id, estimate: entry.estimatedBytes(rows: rows),
                               keepAlive: entry.settings.keepAlive ?? defaultKeepAlive)
        }
        for id in lifecycle.models.keys where catalog.entries.first(where: { $0.id == id && $0.problem == nil }) == nil {
            lifecycle.remove(id: id)
        }
    }

    /// Scans the models folder again (new folders appear, removed idle ones go).
    @discardableResult
    public func refreshCatalog() -> ModelCatalog {
        let catalog = ModelCatalog.scan(directory: catalogDirectory)
        let keepAlive = configuration.keepAlive
        let rows = configuration.maxBatchSize
        state.withLock { state in
            // A loaded model whose folder vanished stays listed until it unloads.
            let kept = state.catalog.entries.filter { old in
                guard !catalog.entries.contains(where: { $0.id == old.id }) else { return false }
                switch state.lifecycle.models[old.id]?.phase {
                case .available?, .failed?, nil: return false
                default: return true
                }
            }
            let merged = ModelCatalog(directory: catalog.directory, entries: catalog.entries + kept)
            Self.register(merged, in: &state.lifecycle, defaultKeepAlive: keepAlive, rows: rows)
            state.catalog = merged
        }
        return catalog
    }

    // MARK: - Leases

    /// A lease on the embedding model `name` (id or alias), loading it if needed. 404 for an unknown model, 400 for
    /// a chat model, 503 when the runtime is missing, the folder is broken, the load fails or memory is short.
    /// - Parameters:
    ///   - keepAlive: the request's `keep_alive`, which becomes the model's from now on.
    ///   - requestLogger: the asking request's logger, for what this call logs.
    public func embeddingService(id name: String, keepAlive: KeepAlive? = nil, requestLogger: Logger? = nil)
        async throws -> ModelLease<EmbeddingService>
    {
        let (entry, epoch) = try await acquire(name: name, kind: .embedding, keepAlive: keepAlive,
                                               logger: requestLogger)
        guard case .embedding(let service)? = service(id: entry.id, epoch: epoch) else {
            release(id: entry.id, epoch: epoch)
            throw ServingError(.modelLoadFailed, "The model '\(entry.id)' was unloaded; retry")
        }
        return ModelLease(value: service, entry: entry) { [self] in release(id: entry.id, epoch: epoch) }
    }

    /// A lease on the chat model `name` (id or alias), loading it if needed; errors as `embeddingService`.
    public func chatEngine(id name: String, keepAlive: KeepAlive? = nil, requestLogger: Logger? = nil)
        async throws -> ModelLease<ChatEngine>
    {
        let (entry, epoch) = try await acquire(name: name, kind: .chat, keepAlive: keepAlive, logger: requestLogger)
        guard case .chat(let engine)? = service(id: entry.id, epoch: epoch) else {
            release(id: entry.id, epoch: epoch)
            throw ServingError(.modelLoadFailed, "The model '\(entry.id)' was unloaded; retry")
        }
        return ModelLease(value: engine, entry: entry) { [self] in release(id: entry.id, epoch: epoch) }
    }

    /// The loaded service of `id` when it is still the load the lease of `epoch` was granted on.
    private func service(id: String, epoch: Int) -> LoadedService? {
        state.withLock { state in
            state.lifecycle.models[id]?.epoch == epoch ? state.services[id] : nil
        }
    }

    /// Loads `name` (if needed) and returns its status; the lease taken for it ends at once, so its keep-alive
    /// starts now.
    public func load(name: String, keepAlive: KeepAlive?, requestLogger: Logger? = nil) async throws -> ModelStatus {
        let (entry, epoch) = try await acquire(name: name, kind: nil, keepAlive: keepAlive, logger: requestLogger)
        release(id: entry.id, epoch: epoch)
        return status(of: entry.id) ?? unknownStatus(entry)
    }

    /// Unloads `name` and waits until it is gone. 409 while requests use it unless `force` (which stops them).
    public func unload(name: String, force: Bool) async throws -> ModelStatus {
        let entry = try resolve(name)
        if let problem = entry.problem { return unknownStatus(entry, problem: problem) }
        let actions = try state.withLock { state throws(ServingError) in
            try state.lifecycle.unloadRequested(id: entry.id, force: force)
        }
        perform(actions)
        for _ in 0..<3000 {
            let unloading = state.withLock { state -> Bool in
                if case .unloading? = state.lifecycle.models[entry.id]?.phase { return true }
                return false
            }
            if !unloading { break }
            try await Task.sleep(for: .milliseconds(10))
        }
        return status(of: entry.id) ?? unknownStatus(entry)
    }

    /// The entry for `name` (id or alias), scanning the folder again when it is unknown.
    public func resolve(_ name: String) throws(ServingError) -> ModelEntry {
        if let entry = state.withLock({ $0.catalog.entry(named: name) }) { return entry }
        if let entry = refreshCatalog().entry(named: name) { return entry }
        throw ServingError.modelNotFound(name)
    }

    private func acquire(name: String, kind: ModelKind?, keepAlive: KeepAlive?, logger requestLogger: Logger?)
        async throws -> (ModelEntry, Int)
    {
        let entry = try resolve(name)
        if let kind, let actual = entry.kind, actual != kind {
            throw ServingError(.wrongModelKind,
                "The model '\(entry.id)' is a \(actual.rawValue) model; this route needs a \(kind.rawValue) model")
        }
        if let problem = entry.problem {
            // Retrying will not help until someone fixes the folder: no Retry-After.
            throw ServingError(.modelLoadFailed, "The model '\(entry.id)' cannot be served: \(problem)",
                               retryAfterSeconds: 0)
        }
        switch entry.kind {
        case .embedding? where runtime.onnxRuntime == nil:
            throw ServingError(.runtimeUnavailable,
                               "ONNX Runtime is unavailable: \(runtime.onnxRuntimeStatus.error ?? "unknown reason")")
        case .chat? where runtime.onnxRuntime == nil && runtime.genAI == nil:
            // The decode engine needs ONNX Runtime; onnxruntime-genai is only its fallback.
            throw ServingError(.runtimeUnavailable,
                               "ONNX Runtime is unavailable: \(runtime.onnxRuntimeStatus.error ?? "unknown reason"); "
                                   + "so is onnxruntime-genai: \(runtime.genAIStatus.error ?? "unknown reason")")
        default: break
        }
        let id = entry.id
        let waiter = state.withLock { state -> ModelLifecycle.WaiterID in
            defer { state.nextWaiter += 1 }
            return state.nextWaiter
        }
        let epoch = try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Int, any Error>) in
                let actions = state.withLock { state -> Result<[ModelLifecycle.Action], any Error> in
                    guard !state.shuttingDown else {
                        return .failure(ServingError(.shuttingDown, "The server is shutting down"))
                    }
                    // A request cancelled before it got here (its client left) asks for nothing.
                    guard !Task.isCancelled else { return .failure(CancellationError()) }
                    state.waiters[waiter] = continuation
                    return .success(state.lifecycle.request(id: id, waiter: waiter, keepAlive: keepAlive, now: .now))
                }
                switch actions {
                case .success(let actions): perform(actions, logger: requestLogger)
                case .failure(let error): continuation.resume(throwing: error)
                }
            }
        } onCancel: {
            let continuation = state.withLock { state -> CheckedContinuation<Int, any Error>? in
                guard state.lifecycle.cancel(id: id, waiter: waiter) else { return nil }
                return state.waiters.removeValue(forKey: waiter)
            }
            continuation?.resume(throwing: CancellationError())
        }
        return (entry, epoch)
    }

    private func release(id: String, epoch: Int) {
        let actions = state.withLock { $0.lifecycle.release(id: id, epoch: epoch, now: .now) }
        perform(actions)
    }

    // MARK: - Performing the lifecycle's actions

    private func perform(_ actions: [ModelLifecycle.Action], logger requestLogger: Logger? = nil) {
        for action in actions {
            switch action {
            case .grant(let waiters, _, let epoch):
                let continuations = state.withLock { state in waiters.compactMap { state.waiters.removeValue(forKey: $0) } }
                for continuation in continuations { continuation.resume(returning: epoch) }
            case .fail(let waiters, let error):
                let continuations = state.withLock { state in waiters.compactMap { state.waiters.removeValue(forKey: $0) } }
                for continuation in continuations { continuation.resume(throwing: error) }
            case .load(let id):
                let stopping = state.withLock { $0.shuttingDown }
                if stopping {
                    let failed = state.withLock {
                        $0.lifecycle.loadFailed(id: id, error: ServingError(.shuttingDown, "The server is shutting down"),
                                                now: .now)
                    }
                    perform(failed)
                } else {
                    startLoad(id: id, logger: requestLogger ?? logger)
                }
            case .unload(let id, let force):
                startUnload(id: id, force: force)
            }
        }
    }

    private func startLoad(id: String, logger: Logger) {
        guard let entry = state.withLock({ $0.catalog.entries.first { $0.id == id } }) else {
            let actions = state.withLock {
                $0.lifecycle.loadFailed(id: id, error: .modelNotFound(id), now: .now)
            }
            perform(actions)
            return
        }
        state.withLock { $0.tasksInFlight += 1 }
        Task {
            defer { state.withLock { $0.tasksInFlight -= 1 } }
            let started = ContinuousClock.now
            let residentBefore = ProcessMemory.residentBytes()
            do {
                let service: LoadedService
                let provider: ProviderSelection
                switch entry.kind {
                case .embedding?:
                    let loaded = try await loadEmbedding(entry, logger: logger)
                    service = .embedding(loaded)
                    provider = loaded.model.session.providerSelection
                case .chat?:
                    let engine = try await loadChat(entry, logger: logger)
                    service = .chat(engine)
                    provider = engine.provider
                case nil:
                    throw ServingError(.modelLoadFailed, "The model '\(id)' has no kind")
                }
                let resident = max(0, ProcessMemory.residentBytes() - residentBefore)
                Self.recordLoad(id: id, provider: provider.chosen.onnxRuntimeName, started: started, resident: resident)
                var chat: ChatEngine?
                if case .chat(let engine) = service { chat = engine }
                registry.record(LoadedModelInfo(id: id, kind: entry.kind ?? .chat, provider: provider,
                                                residentBytes: resident, engine: chat?.engineName,
                                                engineNote: chat?.engineNote, contextLength: chat?.contextLength,
                                                kvCacheRows: chat?.decoder?.rows,
                                                kvCacheRowTokens: chat?.decoder?.rowLength,
                                                toolTemplate: chat.map { $0.ownTemplate == nil ? "default_block" : "model_template" },
                                                toolCallFormat: chat.map { ($0.ownTemplate?.format ?? .toolCallTags).name }))
                let (actions, lateForShutdown) = state.withLock { state -> ([ModelLifecycle.Action], Bool) in
                    // A load that ends after shutdown began is released at once (its waiters were failed).
                    guard !state.shuttingDown else { return ([], true) }
                    state.services[id] = service
                    return (state.lifecycle.loadSucceeded(id: id, residentBytes: resident, now: .now), false)
                }
                if lateForShutdown {
                    registry.remove(id: id)
                    try? await Self.onLoadThread { Self.shutdown(service) }
                    let failed = state.withLock {
                        $0.lifecycle.loadFailed(id: id, error: ServingError(.shuttingDown, "The server is shutting down"),
                                                now: .now)
                    }
                    perform(failed)
                    return
                }
                logger.info("loaded \(id) on \(provider) in \(started.duration(to: .now)) (\(ModelLifecycle.format(resident)) resident)")
                perform(actions)
            } catch {
                logger.error("cannot load \(id): \(error)")
                let failure = (error as? ServingError)
                    ?? ServingError(.modelLoadFailed, "The model '\(id)' could not be loaded: \(error)")
                let actions = state.withLock { $0.lifecycle.loadFailed(id: id, error: failure, now: .now) }
                perform(actions)
            }
        }
    }

    private func startUnload(id: String, force: Bool) {
        let service = state.withLock { $0.services.removeValue(forKey: id) }
        let provider = registry.info(id: id)?.provider.chosen.onnxRuntimeName
        registry.remove(id: id)
        state.withLock { $0.tasksInFlight += 1 }
        Task {
            defer { state.withLock { $0.tasksInFlight -= 1 } }
            if let service {
                if force, case .chat(let engine) = service { engine.stopAll() }
                try? await Self.onLoadThread { Self.shutdown(service) }
                logger.info("unloaded \(id)")
            }
            if let provider {
                Gauge(label: "aigw_model_resident_bytes", dimensions: [("model", id), ("provider", provider)]).record(0)
            }
            let actions = state.withLock { $0.lifecycle.unloaded(id: id) }
            perform(actions)
        }
    }

    private static func shutdown(_ service: LoadedService) {
        switch service {
        case .embedding(let embedding): embedding.batcher.shutdown()
        case .chat(let engine): engine.shutdown()
        }
    }

    private func loadEmbedding(_ entry: ModelEntry, logger: Logger) async throws -> EmbeddingService {
        guard let ort = runtime.onnxRuntime else {
            throw ServingError(.runtimeUnavailable,
                               "ONNX Runtime is unavailable: \(runtime.onnxRuntimeStatus.error ?? "unknown reason")")
        }
        let configuration = self.configuration
        let id = entry.id
        let model = try await Self.onLoadThread {
            try EmbeddingModel(id: id, directory: entry.directory, runtime: ort,
                               sessionConfiguration: Self.sessionConfiguration(
                                   entry, configuration, threads: configuration.intraOpThreads))
        }
        let provider = model.session.providerSelection.chosen.onnxRuntimeName
        let batcher = EmbeddingBatcher(
            name: id, batchSize: configuration.embeddingBatchSize,
            maxWait: .microseconds(Int64(configuration.embeddingBatchWaitMilliseconds * 1000)),
            maxBatchTokens: configuration.embeddingBatchTokens,
            maxQueuedInputs: configuration.maxQueuedEmbeddingInputs,
            metrics: EngineMetrics(model: id, provider: provider, kind: "embeddings")
        ) { sequences in try model.run(sequences) }
        return EmbeddingService(model: model, batcher: batcher)
    }

    private func loadChat(_ entry: ModelEntry, logger: Logger) async throws -> ChatEngine {
        let note: String
        do {
            return try await loadDecodeEngine(entry, logger: logger)
        } catch {
            note = "\(error)"
        }
        logger.warning("\(entry.id): the decode engine cannot serve it (\(note)); trying onnxruntime-genai")
        do {
            return try await loadGenAI(entry, engineNote: note)
        } catch {
            throw ServingError(.modelLoadFailed, "\(entry.id): the decode engine cannot serve it (\(note)); "
                                   + "onnxruntime-genai failed too: \(error)")
        }
    }

    /// A chat model on the decode engine: the folder's decoder graph in a raw ONNX Runtime session and
    /// onnxruntime-extensions' tokenizer (no second copy of the weights). Throws when the engine cannot run it.
    private func loadDecodeEngine(_ entry: ModelEntry, logger: Logger) async throws -> ChatEngine {
        guard let ort = runtime.onnxRuntime else {
            throw ServingError(.runtimeUnavailable,
                               "ONNX Runtime is unavailable: \(runtime.onnxRuntimeStatus.error ?? "unknown reason")")
        }
        let configuration = self.configuration
        let id = entry.id
        // One stream uses every core unless `intra_op_threads` says otherwise.
        let sessionConfiguration = Self.sessionConfiguration(
            entry, configuration, threads: configuration.intraOpThreads > 0
                ? configuration.intraOpThreads : ProcessInfo.processInfo.activeProcessorCount)
        let directory = entry.directory
        let (decoderModel, tokenizer) = try await Self.onLoadThread { () throws -> (DecoderModel, OrtxTokenizer) in
            let library = try OrtxLibrary.load()
            let tokenizer = try OrtxTokenizer(library: library, directory: directory.path)
            return (try DecoderModel(directory: directory, runtime: ort, configuration: sessionConfiguration),
                    tokenizer)
        }
        let (rows, rowLength) = KVLayout.plan(tokens: entry.kvCacheTokens(rows: configuration.maxBatchSize),
                                              context: entry.contextLength ?? decoderModel.config.contextLength,
                                              maxRows: configuration.maxBatchSize)
        let selection = decoderModel.session.providerSelection
        let decoder = try DecodeEngine(
            name: id, model: decoderModel, rows: rows, rowLength: rowLength,
            maxQueued: configuration.maxQueuedGenerations, eos: decoderModel.config.eosTokenIDs,
            metrics: EngineMetrics(model: id, provider: selection.chosen.onnxRuntimeName),
            detokenizer: DecodeEngine.Detokenizer(makeStream: { try tokenizer.makeTokenStream() },
                                                  tokenText: { (try? tokenizer.decode([$0])) ?? "" }))
        logger.info("\(id): decode engine with \(rows) KV cache rows of \(rowLength) tokens")
        let grammars = GrammarSource(tokenizer: tokenizer, vocabularySize: decoderModel.config.vocabularySize,
                                     eosTokenIDs: decoderModel.config.eosTokenIDs)
        let (ownTemplate, templateNote) = ModelChatTemplate.load(directory: directory)
        let renderer = ownTemplate == nil ? "the default tools block" : "the model's template"
        logger.info("\(id): tools are rendered by \(renderer) (\(templateNote))")
        return ChatEngine(id: id, decoder: decoder, tokenizer: tokenizer, provider: selection,
                          maxBufferedEvents: configuration.streamBufferEvents, contextCap: entry.settings.contextLength,
                          grammars: grammars, ownTemplate: ownTemplate)
    }

    /// A chat model on onnxruntime-genai's generators (static waves), for a folder the decode engine cannot run.
    private func loadGenAI(_ entry: ModelEntry, engineNote: String) async throws -> ChatEngine {
        guard let genAI = runtime.genAI else {
            throw ServingError(.runtimeUnavailable,
                               "onnxruntime-genai is unavailable: \(runtime.genAIStatus.error ?? "unknown reason")")
        }
        let configuration = self.configuration
        let id = entry.id
        let available = Set(runtime.availableProviders)
        var skipped: [ProviderSelection.Skip] = []
        var candidates: [ExecutionProviderKind] = []
        for kind in entry.settings.providers ?? configuration.providers {
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
        var options: [String: [String: String]] = [:]
        for (kind, values) in Self.providerOptions(entry, configuration) { options[kind.genAIName] = values }
        let threads = Self.decoderThreads(entry: entry, configured: configuration.intraOpThreads)
        let (model, tokenizer) = try await Self.onLoadThread { [options] in
            let model = try GenAIModel(runtime: genAI, directory: entry.directory.path, providers: names,
                                       providerOptions: options, intraOpThreads: threads)
            return (model, try GenAITokenizer(model: model))
        }
        for skip in model.providerSelection.skipped {
            if let kind = candidates.first(where: { $0.genAIName == skip.provider }) {
                skipped.append(.init(provider: kind, reason: skip.reason))
            }
        }
        let chosen = candidates.first { $0.genAIName == model.providerSelection.chosen } ?? .cpu
        let selection = ProviderSelection(
            chosen: chosen, skipped: skipped, policy: configuration.providerPolicy,
            policyNote: configuration.providerPolicy.map { _ in
                "onnxruntime-genai serves this model and takes the ordered provider list only"
            })
        let planner = WavePlanner(maxBatch: configuration.maxBatchSize,
                                  maxWaves: configuration.maxParallelGenerations,
                                  maxQueued: configuration.maxQueuedGenerations,
                                  window: .microseconds(Int64(configuration.batchWindowMilliseconds * 1000)))
        return ChatEngine(id: id, model: model, tokenizer: tokenizer, provider: selection, planner: planner,
                          maxBufferedEvents: configuration.streamBufferEvents, contextCap: entry.settings.contextLength,
                          engineNote: engineNote)
    }

    /// A session for `entry`: its providers (or the server's), their options, the server's graph optimisation.
    static func sessionConfiguration(_ entry: ModelEntry, _ configuration: GatewayConfiguration, threads: Int)
        -> SessionConfiguration
    {
        SessionConfiguration(intraOpThreads: threads, graphOptimization: configuration.graphOptimization,
                             providers: entry.settings.providers ?? configuration.providers,
                             providerOptions: providerOptions(entry, configuration),
                             policy: configuration.providerPolicy)
    }

    /// The options each provider gets for `entry`: the server's `provider_options`, with the model's own
    /// `ai-gateway.yaml` options replacing single keys.
    public static func providerOptions(_ entry: ModelEntry, _ configuration: GatewayConfiguration)
        -> [ExecutionProviderKind: [String: String]]
    {
        var merged = configuration.providerOptions
        for (kind, values) in entry.settings.providerOptions {
            merged[kind, default: [:]].merge(values) { _, own in own }
        }
        return merged
    }

    /// The intra-op threads a chat model's session gets: `intra_op_threads` when set; else the folder's own
    /// `session_options.intra_op_num_threads` when it has one (0 here keeps it); else every core, because
    /// onnxruntime-genai otherwise runs ONNX Runtime on one thread (measured: one stream kept 1.04 cores busy).
    static func decoderThreads(entry: ModelEntry, configured: Int) -> Int {
        if configured > 0 { return configured }
        return entry.configuresThreads ? 0 : ProcessInfo.processInfo.activeProcessorCount
    }

    /// Records a finished load's duration and the resident memory it added, labelled by model and provider.
    private static func recordLoad(id: String, provider: String, started: ContinuousClock.Instant, resident: Int) {
        let dimensions = [("model", id), ("provider", provider)]
        let elapsed = ContinuousClock.now - started
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        Gauge(label: "aigw_model_load_seconds", dimensions: dimensions).record(seconds)
        Gauge(label: "aigw_model_resident_bytes", dimensions: dimensions).record(resident)
    }

    // MARK: - Reporting

    /// Every model in the catalog with its state, in catalog order.
    public func statuses() -> [ModelStatus] {
        let entries = state.withLock { $0.catalog.entries }
        return entries.map { status(of: $0.id) ?? unknownStatus($0, problem: $0.problem) }
    }

    /// The status of the model `id` (nil when the lifecycle does not know it: a broken folder).
    public func status(of id: String) -> ModelStatus? {
        state.withLock { state -> ModelStatus? in
            guard let entry = state.catalog.entries.first(where: { $0.id == id }),
                  let model = state.lifecycle.models[id]
            else { return nil }
            let info = registry.info(id: id)
            let now = ContinuousClock.now
            let reported: ModelStatus.State
            var error: String?
            switch model.phase {
            case .available: reported = .available
            case .loading, .waitingForMemory: reported = .loading
            case .unloading: reported = .unloading
            case .failed(let failure, _):
                reported = .failed
                error = failure.message
            case .loaded(let loaded):
                var expires: Date?
                if loaded.leases == 0, case .seconds(let seconds) = model.keepAlive {
                    let remaining = (loaded.lastUsed - now) / .seconds(1) + seconds
                    expires = Date().addingTimeInterval(max(0, remaining))
                }
                return ModelStatus(entry: entry, state: .loaded, error: nil, provider: info?.provider, loaded: info,
                                   residentBytes: loaded.residentBytes, leases: loaded.leases,
                                   keepAlive: model.keepAlive, expiresAt: expires)
            }
            return ModelStatus(entry: entry, state: reported, error: error, provider: nil, residentBytes: nil, leases: 0,
                               keepAlive: model.keepAlive, expiresAt: nil)
        }
    }

    /// The status of `entry`, also for a folder that cannot be served (then `failed` with its problem).
    public func report(of entry: ModelEntry) -> ModelStatus {
        status(of: entry.id) ?? unknownStatus(entry, problem: entry.problem)
    }

    private func unknownStatus(_ entry: ModelEntry, problem: String? = nil) -> ModelStatus {
        ModelStatus(entry: entry, state: problem == nil ? .available : .failed, error: problem, provider: nil,
                    residentBytes: nil, leases: 0, keepAlive: entry.settings.keepAlive ?? configuration.keepAlive,
                    expiresAt: nil)
    }

    /// Bytes charged to the memory budget now.
    public var usedBytes: Int { state.withLock { $0.lifecycle.usedBytes } }

    // MARK: - Timers, preload and shutdown

    /// Ticks the keep-alive clock until the task is cancelled.
    public func runTimers(every interval: Duration = .milliseconds(250)) async {
        while !Task.isCancelled {
            try? await Task.sleep(for: interval)
            let actions = state.withLock { $0.lifecycle.tick(now: .now) }
            perform(actions)
        }
    }

    /// Loads the models named in `preload` (ids or aliases; `*` for every model), one after the other.
    public func preload(_ names: [String]) async {
        let ids = names.contains("*") ? catalog.entries.filter { $0.problem == nil }.map(\.id) : names
        for name in ids {
            do {
                _ = try await load(name: name, keepAlive: nil)
            } catch {
                logger.error("preload of \(name) failed: \(error)")
            }
        }
    }

    /// Ends every generation now (a shutdown's grace period is over): waiting ones fail as shutting down, running
    /// ones end as `length` before their next token; new requests are refused from here on.
    public func stopGenerations() {
        let (engines, waiting) = state.withLock { state -> ([ChatEngine], [CheckedContinuation<Int, any Error>]) in
            state.shuttingDown = true
            let waiting = Array(state.waiters.values)
            state.waiters.removeAll()
            return (state.services.values.compactMap { if case .chat(let engine) = $0 { engine } else { nil } },
                    waiting)
        }
        // Requests still waiting for a load would hold up the drain: they end now.
        for continuation in waiting {
            continuation.resume(throwing: ServingError(.shuttingDown, "The server is shutting down"))
        }
        for engine in engines { engine.stopAll() }
    }

    /// Stops every model's threads, waits for them, and releases every model. New requests are refused, and
    /// requests waiting for a load fail.
    public func shutdown() async {
        let (services, waiting) = state.withLock { state in
            state.shuttingDown = true
            let services = state.services
            state.services.removeAll()
            let waiting = Array(state.waiters.values)
            state.waiters.removeAll()
            return (services, waiting)
        }
        for continuation in waiting {
            continuation.resume(throwing: ServingError(.shuttingDown, "The server is shutting down"))
        }
        for (id, service) in services.sorted(by: { $0.key < $1.key }) {
            try? await Self.onLoadThread { Self.shutdown(service) }
            registry.remove(id: id)
        }
        // Unloads already under way (and loads, which release what they loaded) finish before the process ends.
        for _ in 0..<6000 where state.withLock({ $0.tasksInFlight }) > 0 {
            try? await Task.sleep(for: .milliseconds(10))
        }
        logger.info("every model released")
    }

    /// Generations running now, over every chat model.
    public func activeGenerations() -> Int {
        state.withLock { state in
            state.services.values.reduce(0) { total, service in
                if case .chat(let engine) = service { return total + engine.activeCount }
                return total
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
