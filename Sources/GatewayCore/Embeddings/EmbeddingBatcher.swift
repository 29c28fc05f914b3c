import Foundation

/// Runs one embedding model on a thread of its own, gathering the texts of concurrent requests into batches
/// (see `BatchPlanner`) and handing each request its vectors. A cancelled request's texts drop out of the queue.
public final class EmbeddingBatcher: @unchecked Sendable {
    /// Runs one padded batch; a protocol so scheduling tests can use a fake.
    public typealias Runner = @Sendable ([[Int32]]) throws -> [[Float]]

    private struct RequestState {
        let sequences: [[Int32]]
        var results: [[Float]?]
        var remaining: Int
        let continuation: CheckedContinuation<[[Float]], any Error>
    }

    private let runner: Runner
    private let condition = NSCondition()
    private var planner: BatchPlanner
    private var requests: [UInt64: RequestState] = [:]
    private var cancelledEarly: Set<UInt64> = []
    private var nextID: UInt64 = 0
    private var running = true
    private var loopExited = false
    private var batchesRun = 0
    private var queuedInputs = 0
    private let maxQueuedInputs: Int
    private let metrics: EngineMetrics?
    private let clock = ContinuousClock()

    /// - Parameters:
    ///   - name: the thread's name (the model id).
    ///   - batchSize: texts per model run.
    ///   - maxWait: how long the first pending text may wait for company.
    ///   - maxBatchTokens: most padded tokens (texts × longest) in one model run.
    ///   - maxQueuedInputs: texts that may wait at once; a request that would pass it fails with `queueFull`
    ///     (one that is larger on its own still runs when nothing else waits).
    ///   - metrics: where queue depth and batch sizes are reported.
    public init(name: String, batchSize: Int, maxWait: Duration, maxBatchTokens: Int = .max,
                maxQueuedInputs: Int = .max, metrics: EngineMetrics? = nil, runner: @escaping Runner) {
        self.runner = runner
        self.maxQueuedInputs = maxQueuedInputs
        self.metrics = metrics
        self.planner = BatchPlanner(batchSize: batchSize, maxWait: maxWait, maxBatchTokens: maxBatchTokens)
        let thread = Thread { [self] in self.loop() }
        thread.name = "embed-\(name)"
        thread.start()
    }

    /// How many model runs have happened (for tests and metrics).
    public var runCount: Int {
        condition.lock()
        defer { condition.unlock() }
        return batchesRun
    }

    /// Embeds `sequences` (token ids with specials, each within the model's limit) and returns one vector each,
    /// in order.
    public func embed(_ sequences: [[Int32]]) async throws -> [[Float]] {
        guard !sequences.isEmpty else { return [] }
        let id = makeRequestID()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                condition.lock()
                if cancelledEarly.remove(id) != nil {
                    condition.unlock()
                    continuation.resume(throwing: CancellationError())
                    return
                }
                guard running else {
                    condition.unlock()
                    continuation.resume(throwing: ServingError(.shuttingDown, "the model is shutting down"))
                    return
                }
                // A request larger than the whole queue still runs when nothing else waits.
                guard queuedInputs == 0 || sequences.count <= maxQueuedInputs - queuedInputs else {
                    condition.unlock()
                    continuation.resume(throwing: ServingError(
                        .queueFull, "Too many requests: the embedding queue is full (\(maxQueuedInputs) inputs); "
                            + "retry shortly"))
                    return
                }
                queuedInputs += sequences.count
                metrics?.queueDepth(queuedInputs)
                requests[id] = RequestState(sequences: sequences, results: Array(repeating: nil, count: sequences.count),
                                            remaining: sequences.count, continuation: continuation)
                planner.enqueue(request: id, lengths: sequences.map(\.count), now: clock.now)
                condition.signal()
                condition.unlock()
            }
        } onCancel: {
            condition.lock()
            if let state = requests.removeValue(forKey: id) {
                planner.cancel(request: id)
                queuedInputs -= state.remaining
                metrics?.queueDepth(queuedInputs)
                condition.unlock()
                state.continuation.resume(throwing: CancellationError())
            } else {
                cancelledEarly.insert(id)
                condition.unlock()
            }
        }
    }

    private func makeRequestID() -> UInt64 {
        condition.lock()
        defer { condition.unlock() }
        nextID += 1
        return nextID
    }

    /// Stops the thread and waits for it to end; pending requests fail as shutting down.
    public func shutdown() {
        condition.lock()
        running = false
        let pending = requests
        requests.removeAll()
        queuedInputs = 0
        condition.broadcast()
        while !loopExited { condition.wait() }
        condition.unlock()
        for state in pending.values {
            state.continuation.resume(throwing: ServingError(.shuttingDown, "the model is shutting down"))
        }
    }

    private func loop() {
        condition.lock()
        while running {
            switch planner.next(now: clock.now) {
            case .idle:
                condition.wait()
            case .wait(let until):
                condition.wait(until: until, clock: clock)
            case .run(let batches):
                for batch in batches {
                    // Gather the texts while locked; requests cancelled meanwhile are skipped.
                    let live = batch.filter { requests[$0.request] != nil }
                    guard !live.isEmpty else { continue }
                    let sequences = live.compactMap { requests[$0.request]?.sequences[$0.index] }
                    metrics?.recordStep(rows: sequences.count)
                    condition.unlock()
                    let outcome = Result { try runner(sequences) }
                    condition.lock()
                    batchesRun += 1
                    let finished = deliver(outcome, to: live)
                    metrics?.queueDepth(queuedInputs)
                    condition.unlock()
                    for (continuation, result) in finished { continuation.resume(with: result) }
                    condition.lock()
                }
            }
        }
        loopExited = true
        condition.broadcast()
        condition.unlock()
    }

    /// Stores a batch's vectors (or error) in its requests; returns the continuations to resume, outside the lock.
    private func deliver(_ outcome: Result<[[Float]], any Error>, to items: [BatchPlanner.Item])
        -> [(CheckedContinuation<[[Float]], any Error>, Result<[[Float]], any Error>)]
    {
        var finished: [(CheckedContinuation<[[Float]], any Error>, Result<[[Float]], any Error>)] = []
        switch outcome {
        case .failure(let error):
            for request in Set(items.map(\.request)) {
                guard let state = requests.removeValue(forKey: request) else { continue }
                planner.cancel(request: request)
                queuedInputs -= state.remaining
                finished.append((state.continuation, .failure(error)))
            }
        case .success(let vectors):
            for (item, vector) in zip(items, vectors) {
                guard var state = requests[item.request] else { continue }
                state.results[item.index] = vector
                state.remaining -= 1
                queuedInputs -= 1
                if state.remaining == 0 {
                    requests.removeValue(forKey: item.request)
                    finished.append((state.continuation, .success(state.results.map { $0 ?? [] })))
                } else {
                    requests[item.request] = state
                }
            }
        }
        return finished
    }
}
