import Foundation

/// Owns a `WavePlanner`: queues requests, starts each wave on a thread of its own when the planner says so, and
/// hands memory back to the system when no wave runs. Never runs inference on a NIO event loop or Swift's pool.
/// `shutdown` stops its dispatch thread and waits for every wave thread to end.
final class WaveBatcher: @unchecked Sendable {
    /// A queued request.
    struct Job: Sendable {
        let row: WaveRow
        let finish: @Sendable ((any Error)?) -> Void
    }

    private let condition = NSCondition()
    private var planner: WavePlanner
    private var jobs: [UInt64: Job] = [:]
    /// The stop flags of the rows being generated, by request id.
    private var runningRows: [UInt64: StopFlag] = [:]
    private var nextID: UInt64 = 0
    private var activeRows = 0
    private var accepting = true
    private var dispatching = true
    private var dispatcherExited = false
    private let clock = ContinuousClock()
    private let name: String
    private let metrics: EngineMetrics
    private let runWave: @Sendable ([WaveRow]) throws -> Void

    init(name: String, planner: WavePlanner, metrics: EngineMetrics,
         runWave: @escaping @Sendable ([WaveRow]) throws -> Void) {
        self.name = name
        self.planner = planner
        self.metrics = metrics
        self.runWave = runWave
        let thread = Thread { [self] in self.dispatch() }
        thread.name = "waves-\(name)"
        thread.start()
    }

    /// Requests being generated now.
    var activeCount: Int {
        condition.lock()
        defer { condition.unlock() }
        return activeRows
    }

    /// Requests waiting for a wave.
    var queuedCount: Int {
        condition.lock()
        defer { condition.unlock() }
        return planner.waiting.count
    }

    /// Queues a request; throws `queueFull` when the queue is full, `shuttingDown` after `stopAll`. Returns its id
    /// for `cancel`.
    func submit(_ job: Job) throws -> UInt64 {
        condition.lock()
        defer { condition.unlock() }
        guard accepting else { throw ServingError(.shuttingDown, "The server is shutting down") }
        nextID += 1
        guard planner.submit(id: nextID, key: SamplingKey(job.row.parameters), now: clock.now) else {
            throw ServingError(.queueFull, "Too many requests: every generation slot is busy and the queue is full; "
                                   + "retry shortly")
        }
        jobs[nextID] = job
        metrics.queueDepth(planner.waiting.count)
        condition.signal()
        return nextID
    }

    /// Drops a request that has not started (its consumer went away); a started one stops through its flag.
    func cancel(_ id: UInt64) {
        condition.lock()
        let job = jobs.removeValue(forKey: id)
        if job != nil {
            planner.cancel(id: id)
            metrics.queueDepth(planner.waiting.count)
        }
        condition.unlock()
        job?.finish(CancellationError())
    }

    /// Refuses new requests, fails the waiting ones as shutting down and stops the running ones before their next
    /// token (they end as `length`).
    func stopAll() {
        condition.lock()
        accepting = false
        let waiting = jobs
        jobs.removeAll()
        for id in waiting.keys { planner.cancel(id: id) }
        for flag in runningRows.values { flag.set(.shutdown) }
        metrics.queueDepth(0)
        condition.unlock()
        for job in waiting.values { job.finish(ServingError(.shuttingDown, "The server is shutting down")) }
    }

    /// Stops everything (as `stopAll`), ends the dispatch thread and waits until every wave thread has ended.
    func shutdown() {
        stopAll()
        condition.lock()
        dispatching = false
        condition.broadcast()
        while !dispatcherExited || activeRows > 0 {
            condition.wait()
        }
        condition.unlock()
    }

    private func dispatch() {
        condition.lock()
        while dispatching {
            switch planner.next(now: clock.now) {
            case .idle:
                condition.wait()
            case .wait(let until):
                condition.wait(until: until, clock: clock)
            case .start(let ids):
                let wave = ids.compactMap { id in jobs.removeValue(forKey: id).map { (id, $0) } }
                for (id, job) in wave { runningRows[id] = job.row.stop }
                activeRows += wave.count
                metrics.queueDepth(planner.waiting.count)
                metrics.activeGenerations(activeRows)
                let thread = Thread { [self] in
                    var failure: (any Error)?
                    do {
                        try runWave(wave.map(\.1.row))
                    } catch {
                        failure = error
                    }
                    for (_, job) in wave { job.finish(failure) }
                    condition.lock()
                    planner.waveEnded()
                    for (id, _) in wave { runningRows[id] = nil }
                    activeRows -= wave.count
                    metrics.activeGenerations(activeRows)
                    let idle = activeRows == 0
                    condition.broadcast()
                    condition.unlock()
                    if idle { ReturnMemory.toSystem() }
                }
                thread.name = "generate-\(name)"
                thread.stackSize = 4 << 20
                thread.start()
            }
        }
        dispatcherExited = true
        condition.broadcast()
        condition.unlock()
    }
}
