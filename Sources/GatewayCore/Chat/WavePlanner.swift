/// The chat batcher's decisions, as a pure state machine. Generations are run in waves: one onnxruntime-genai
/// generator decodes up to `maxBatch` compatible requests together (static batching: a step costs little more
/// for 8 rows than for 1 on a CPU). At most `maxWaves` waves run at once; a request that arrives while they are
/// all busy waits for one to end; beyond `maxQueued` waiting requests, new ones are refused (429).
///
/// Compatible means the same sampling key (greedy, or the same temperature/top-p/top-k/seed), since one
/// generator has one set of search options. A wave starts when `maxBatch` compatible requests wait or the oldest
/// waiting request has waited `window`.
public struct WavePlanner: Sendable {
    /// A waiting request.
    public struct Job: Sendable, Equatable {
        public let id: UInt64
        public let key: SamplingKey
        public let arrival: ContinuousClock.Instant
    }

    /// What the owner should do next.
    public enum Decision: Sendable, Equatable {
        case idle
        case wait(until: ContinuousClock.Instant)
        case start([UInt64])
    }

    public let maxBatch: Int
    public let maxWaves: Int
    public let maxQueued: Int
    public let window: Duration
    public private(set) var waiting: [Job] = []
    public private(set) var runningWaves = 0

    public init(maxBatch: Int, maxWaves: Int, maxQueued: Int, window: Duration) {
        precondition(maxBatch > 0 && maxWaves > 0 && maxQueued >= 0)
        self.maxBatch = maxBatch
        self.maxWaves = maxWaves
        self.maxQueued = maxQueued
        self.window = window
    }

    /// Adds a request; false when it must be refused (the queue is full and no wave could take it now).
    public mutating func submit(id: UInt64, key: SamplingKey, now: ContinuousClock.Instant) -> Bool {
        let canStartSoon = runningWaves < maxWaves
        guard waiting.count < maxQueued + (canStartSoon ? maxBatch : 0) else { return false }
        waiting.append(Job(id: id, key: key, arrival: now))
        return true
    }

    /// Drops a waiting request whose client went away.
    public mutating func cancel(id: UInt64) {
        waiting.removeAll { $0.id == id }
    }

    /// A wave ended.
    public mutating func waveEnded() {
        runningWaves -= 1
    }

    public mutating func next(now: ContinuousClock.Instant) -> Decision {
        guard let oldest = waiting.first else { return .idle }
        guard runningWaves < maxWaves else { return .idle }
        let compatible = waiting.filter { $0.key == oldest.key }
        let deadline = oldest.arrival + window
        guard compatible.count >= maxBatch || now >= deadline else { return .wait(until: deadline) }
        let chosen = compatible.prefix(maxBatch).map(\.id)
        waiting.removeAll { chosen.contains($0.id) }
        runningWaves += 1
        return .start(chosen)
    }
}

/// What requests must share to run in one wave: one generator has one set of search options.
public struct SamplingKey: Sendable, Hashable {
    public let greedy: Bool
    public let temperature: Double?
    public let topP: Double?
    public let topK: Int?
    public let seed: UInt64?

    public init(_ parameters: GenerationParameters) {
        greedy = parameters.isGreedy
        temperature = greedy ? nil : parameters.temperature
        topP = greedy ? nil : parameters.topP
        topK = greedy ? nil : parameters.topK
        seed = greedy ? nil : parameters.seed
    }
}
