import Foundation

/// The model lifecycle as a pure state machine: events in (a request, a load that finished or failed, a lease
/// released, a timer tick, an unload asked for or finished), actions out (load, unload, grant a lease, fail
/// waiters). It holds no models and does no I/O; `ModelManager` performs its actions and feeds back their outcome.
///
/// Memory: each model is charged its estimate (files + KV budget) while loading, and the larger of its estimate and
/// its measured resident bytes once loaded. A load that does not fit the budget first unloads idle models, least
/// recently used first (never one with a lease), and starts when they are gone; if even unloading every idle model
/// would not make room, the request fails at once with what holds the memory.
public struct ModelLifecycle: Sendable {
    public typealias Instant = ContinuousClock.Instant
    public typealias WaiterID = UInt64

    public struct Loaded: Sendable, Equatable {
        /// Requests using the model now.
        public var leases: Int
        /// When a request last took or returned a lease.
        public var lastUsed: Instant
        public var residentBytes: Int
    }

    public enum Phase: Sendable, Equatable {
        case available
        /// Waiting for the idle models it evicts to finish unloading.
        case waitingForMemory(waiters: [WaiterID], evicting: Set<String>)
        case loading(waiters: [WaiterID])
        case loaded(Loaded)
        /// Being unloaded; waiters asked for it meanwhile and get a fresh load afterwards.
        case unloading(waiters: [WaiterID], charge: Int)
        /// The last load failed; requests fail with `error` until `retryAt`, then a request loads it again.
        case failed(ServingError, retryAt: Instant)
    }

    public struct Model: Sendable, Equatable {
        public let id: String
        public var estimate: Int
        /// The model's configured keep-alive.
        public var defaultKeepAlive: KeepAlive
        /// The keep-alive in force: the last request's, else the configured one.
        public var keepAlive: KeepAlive
        public var phase: Phase = .available
        /// Counts loads; leases of an earlier load are ignored when they are released.
        public var epoch = 0
        /// Failed loads in a row (sets the back-off).
        public var failures = 0
    }

    public enum Action: Sendable, Equatable {
        case load(String)
        /// `force`: stop the generations still running first.
        case unload(String, force: Bool)
        case grant([WaiterID], id: String, epoch: Int)
        case fail([WaiterID], ServingError)
    }

    public private(set) var models: [String: Model] = [:]
    public var budget: Int
    /// Longest back-off between load attempts, in seconds.
    public static let maxBackoffSeconds = 60

    public init(budget: Int) {
        self.budget = budget
    }

    // MARK: - Catalog

    /// Adds a model, or updates its estimate and configured keep-alive.
    public mutating func register(id: String, estimate: Int, keepAlive: KeepAlive) {
        if var model = models[id] {
            if model.keepAlive == model.defaultKeepAlive { model.keepAlive = keepAlive }
            model.defaultKeepAlive = keepAlive
            model.estimate = estimate
            models[id] = model
        } else {
            models[id] = Model(id: id, estimate: estimate, defaultKeepAlive: keepAlive, keepAlive: keepAlive)
        }
    }

    /// Forgets a model whose folder is gone, unless it is in use or loading.
    public mutating func remove(id: String) {
        guard let model = models[id] else { return }
        switch model.phase {
        case .available, .failed: models[id] = nil
        default: break
        }
    }

    // MARK: - Events

    /// A request asks for a lease on `id`; `keepAlive` (the request's own) replaces the model's from now on.
    public mutating func request(id: String, waiter: WaiterID, keepAlive: KeepAlive?, now: Instant) -> [Action] {
        guard var model = models[id] else { return [.fail([waiter], .modelNotFound(id))] }
        if let keepAlive { model.keepAlive = keepAlive }
        switch model.phase {
        case .loaded(var loaded):
            loaded.leases += 1
            loaded.lastUsed = now
            model.phase = .loaded(loaded)
            models[id] = model
            return [.grant([waiter], id: id, epoch: model.epoch)]
        case .loading(let waiters):
            model.phase = .loading(waiters: waiters + [waiter])
            models[id] = model
            return []
        case .waitingForMemory(let waiters, let evicting):
            model.phase = .waitingForMemory(waiters: waiters + [waiter], evicting: evicting)
            models[id] = model
            return []
        case .unloading(let waiters, let charge):
            model.phase = .unloading(waiters: waiters + [waiter], charge: charge)
            models[id] = model
            return []
        case .failed(let error, let retryAt) where now < retryAt:
            models[id] = model
            let wait = retryAt - now
            let seconds = max(1, Int(wait.components.seconds) + (wait.components.attoseconds > 0 ? 1 : 0))
            return [.fail([waiter], ServingError(error.code, error.message, retryAfterSeconds: seconds))]
        case .failed, .available:
            model.phase = .available
            models[id] = model
            return admit(id: id, waiters: [waiter])
        }
    }

    /// A waiting request went away before its lease was granted; true if it was waiting.
    public mutating func cancel(id: String, waiter: WaiterID) -> Bool {
        guard var model = models[id] else { return false }
        func drop(_ waiters: [WaiterID]) -> [WaiterID]? {
            waiters.contains(waiter) ? waiters.filter { $0 != waiter } : nil
        }
        switch model.phase {
        case .loading(let waiters):
            guard let rest = drop(waiters) else { return false }
            model.phase = .loading(waiters: rest)
        case .waitingForMemory(let waiters, let evicting):
            guard let rest = drop(waiters) else { return false }
            model.phase = .waitingForMemory(waiters: rest, evicting: evicting)
        case .unloading(let waiters, let charge):
            guard let rest = drop(waiters) else { return false }
            model.phase = .unloading(waiters: rest, charge: charge)
        default:
            return false
        }
        models[id] = model
        return true
    }

    /// A load finished: its waiters get their leases. A load nobody waits for any more starts its keep-alive.
    public mutating func loadSucceeded(id: String, residentBytes: Int, now: Instant) -> [Action] {
        guard var model = models[id], case .loading(let waiters) = model.phase else { return [] }
        model.failures = 0
        model.phase = .loaded(Loaded(leases: waiters.count, lastUsed: now, residentBytes: max(0, residentBytes)))
        models[id] = model
        var actions: [Action] = []
        if !waiters.isEmpty { actions.append(.grant(waiters, id: id, epoch: model.epoch)) }
        if waiters.isEmpty && model.keepAlive == .seconds(0) { actions += startUnload(id: id, force: false) }
        return actions
    }

    /// A load failed: its waiters fail with `error`, and requests fail at once until the back-off is over.
    public mutating func loadFailed(id: String, error: ServingError, now: Instant) -> [Action] {
        guard var model = models[id], case .loading(let waiters) = model.phase else { return [] }
        model.failures += 1
        let backoff = min(Self.maxBackoffSeconds, 1 << min(model.failures - 1, 10))
        model.phase = .failed(error, retryAt: now + .seconds(backoff))
        models[id] = model
        return waiters.isEmpty ? [] : [.fail(waiters, ServingError(error.code, error.message, retryAfterSeconds: backoff))]
    }

    /// A request's lease ended. With keep-alive 0 the model unloads as soon as no lease is left.
    public mutating func release(id: String, epoch: Int, now: Instant) -> [Action] {
        guard var model = models[id], model.epoch == epoch, case .loaded(var loaded) = model.phase else { return [] }
        loaded.leases = max(0, loaded.leases - 1)
        loaded.lastUsed = now
        model.phase = .loaded(loaded)
        models[id] = model
        if loaded.leases == 0 && model.keepAlive == .seconds(0) { return startUnload(id: id, force: false) }
        return []
    }

    /// Time passed: idle models whose keep-alive is over unload.
    public mutating func tick(now: Instant) -> [Action] {
        var actions: [Action] = []
        for id in models.keys.sorted() {
            guard let model = models[id], case .loaded(let loaded) = model.phase, loaded.leases == 0,
                  case .seconds(let seconds) = model.keepAlive
            else { continue }
            if now >= loaded.lastUsed + .milliseconds(Int64(seconds * 1000)) {
                actions += startUnload(id: id, force: false)
            }
        }
        return actions
    }

    /// Someone asks to unload `id` now. Refused while requests use it (unless `force`, which stops them) or while
    /// it loads. Unloading a failed model clears its back-off.
    public mutating func unloadRequested(id: String, force: Bool) throws(ServingError) -> [Action] {
        guard var model = models[id] else { throw .modelNotFound(id) }
        switch model.phase {
        case .loaded(let loaded):
            if loaded.leases > 0 && !force {
                let requests = loaded.leases == 1 ? "1 request is" : "\(loaded.leases) requests are"
                throw ServingError(.modelInUse, "The model '\(id)' is in use (\(requests) using it); wait for them, "
                                       + "or unload with \"force\": true to stop them")
            }
            return startUnload(id: id, force: force && loaded.leases > 0)
        case .loading, .waitingForMemory:
            throw ServingError(.modelInUse, "The model '\(id)' is loading; unload it once it is loaded")
        case .unloading, .available:
            return []
        case .failed:
            model.phase = .available
            model.failures = 0
            models[id] = model
            return []
        }
    }

    /// An unload finished: its memory is free. Waiters for it load it again; loads waiting for this memory start.
    public mutating func unloaded(id: String) -> [Action] {
        var actions: [Action] = []
        if var model = models[id], case .unloading(let waiters, _) = model.phase {
            model.phase = .available
            // A request that asked for it meanwhile keeps the keep-alive it sent.
            if waiters.isEmpty { model.keepAlive = model.defaultKeepAlive }
            models[id] = model
            if !waiters.isEmpty { actions += admit(id: id, waiters: waiters) }
        }
        for other in models.keys.sorted() {
            guard var model = models[other], case .waitingForMemory(let waiters, var evicting) = model.phase,
                  evicting.remove(id) != nil
            else { continue }
            if evicting.isEmpty {
                model.phase = .loading(waiters: waiters)
                model.epoch += 1
                models[other] = model
                actions.append(.load(other))
            } else {
                model.phase = .waitingForMemory(waiters: waiters, evicting: evicting)
                models[other] = model
            }
        }
        return actions
    }

    // MARK: - Memory

    /// Bytes charged to the budget for `model` now.
    public static func charge(_ model: Model) -> Int {
        switch model.phase {
        case .available, .failed: 0
        case .loading, .waitingForMemory: model.estimate
        case .loaded(let loaded): max(model.estimate, loaded.residentBytes)
        case .unloading(_, let charge): charge
        }
    }

    /// Bytes charged over every model.
    public var usedBytes: Int { models.values.reduce(0) { $0 + Self.charge($1) } }

    private mutating func startUnload(id: String, force: Bool) -> [Action] {
        guard var model = models[id] else { return [] }
        model.phase = .unloading(waiters: [], charge: Self.charge(model))
        models[id] = model
        return [.unload(id, force: force)]
    }

    /// Starts a load for `waiters` if it fits, after unloading idle models if needed; else fails them.
    private mutating func admit(id: String, waiters: [WaiterID]) -> [Action] {
        guard var model = models[id] else { return [.fail(waiters, .modelNotFound(id))] }
        let need = model.estimate
        guard need <= budget else {
            return [.fail(waiters, ServingError(
                .insufficientMemory,
                "The model '\(id)' needs about \(Self.format(need)), more than the whole memory budget of "
                    + "\(Self.format(budget)); raise memory_budget or lower its kv_cache_tokens",
                retryAfterSeconds: 0))]
        }
        let used = models.values.filter { $0.id != id }.reduce(0) { $0 + Self.charge($1) }
        if used <= budget - need {
            model.phase = .loading(waiters: waiters)
            model.epoch += 1
            models[id] = model
            return [.load(id)]
        }
        // Memory an unload in progress frees (unless requests wait to load that model again).
        let leaving = models.values.compactMap { other -> (id: String, charge: Int)? in
            guard other.id != id, case .unloading(let waiting, let charge) = other.phase, waiting.isEmpty else {
                return nil
            }
            return (other.id, charge)
        }
        let idle = models.values.compactMap { other -> (id: String, lastUsed: Instant, charge: Int)? in
            guard other.id != id, case .loaded(let loaded) = other.phase, loaded.leases == 0 else { return nil }
            return (other.id, loaded.lastUsed, Self.charge(other))
        }.sorted { $0.lastUsed < $1.lastUsed || ($0.lastUsed == $1.lastUsed && $0.id < $1.id) }
        let freeable = idle.reduce(0) { $0 + $1.charge } + leaving.reduce(0) { $0 + $1.charge }
        guard used - freeable <= budget - need else {
            let holders = models.values.filter { $0.id != id && Self.charge($0) > 0 }.sorted { $0.id < $1.id }
                .map { "\($0.id) (\(Self.describe($0.phase)), \(Self.format(Self.charge($0))))" }
                .joined(separator: ", ")
            return [.fail(waiters, ServingError(
                .insufficientMemory,
                "The model '\(id)' needs about \(Self.format(need)) but only \(Self.format(max(0, budget - used + freeable))) "
                    + "of the memory budget of \(Self.format(budget)) can be freed; it is held by \(holders). "
                    + "Retry when they finish, or raise memory_budget",
                retryAfterSeconds: 5))]
        }
        var actions: [Action] = []
        var evicting = Set(leaving.map(\.id))
        var current = used - leaving.reduce(0) { $0 + $1.charge }
        for victim in idle where current > budget - need {
            actions += startUnload(id: victim.id, force: false)
            evicting.insert(victim.id)
            current -= victim.charge
        }
        model.phase = .waitingForMemory(waiters: waiters, evicting: evicting)
        models[id] = model
        return actions
    }

    static func describe(_ phase: Phase) -> String {
        switch phase {
        case .loaded(let loaded) where loaded.leases == 1: "in use by 1 request"
        case .loaded(let loaded) where loaded.leases > 1: "in use by \(loaded.leases) requests"
        case .loaded: "idle"
        case .loading, .waitingForMemory: "loading"
        case .unloading: "unloading"
        case .available, .failed: "not loaded"
        }
    }

    /// Bytes as MiB or GiB, one decimal.
    public static func format(_ bytes: Int) -> String {
        let mib = Double(bytes) / 1_048_576
        if mib >= 1024 { return String(format: "%.1f GiB", mib / 1024) }
        return String(format: "%.1f MiB", mib)
    }
}
