import Foundation

/// Owns a `WavePlanner`: queues requests, starts each wave on a thread of its own when the planner says so, and
/// hands memory back to the system when no wave runs. Never runs inference on a NIO event loop or Swift's pool.
final class WaveBatcher: @unchecked Sendable {
    /// A queued request.
    struct Job: Sendable {
        let row: WaveRow
        let finish: @Sendable ((any Error)?) -> Void
    }

    private let condition = NSCondition()
    private var planner: WavePlanner
    private var jobs: [UInt64: Job] = [:]
    private var nextID: UInt64 = 0
    private var activeRows = 0
    private let clock = ContinuousClock()
    private let name: String
    private let runWave: @Sendable ([WaveRow]) throws -> Void

    init(name: String, planner: WavePlanner, runWave: @escaping @Sendable ([WaveRow]) throws -> Void) {
        self.name = name
        self.planner = planner
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

    /// Queues a request; throws 429 when the queue is full. Returns its id for `cancel`.
    func submit(_ job: Job) throws -> UInt64 {
        condition.lock()
        defer { condition.unlock() }
        nextID += 1
        guard planner.submit(id: nextID, key: SamplingKey(job.row.parameters), now: clock.now) else {
            throw GatewayError(.rateLimited, "Too many requests: every generation slot is busy and the queue is full; "
                                   + "retry shortly", code: "rate_limit_exceeded")
        }
        jobs[nextID] = job
        condition.signal()
        return nextID
    }

    /// Drops a request that has not started (its consumer went away); a started one stops through its flag.
    func cancel(_ id: UInt64) {
        condition.lock()
        let job = jobs.removeValue(forKey: id)
        if job != nil { planner.cancel(id: id) }
        condition.unlock()
        job?.finish(CancellationError())
    }

    private func dispatch() {
        condition.lock()
        while true {
            switch planner.next(now: clock.now) {
            case .idle:
                condition.wait()
            case .wait(let until):
                condition.wait(until: until, clock: clock)
            case .start(let ids):
                let wave = ids.compactMap { jobs.removeValue(forKey: $0) }
                activeRows += wave.count
                let thread = Thread { [self] in
                    var failure: (any Error)?
                    do {
                        try runWave(wave.map(\.row))
                    } catch {
                        failure = error
                    }
                    for job in wave { job.finish(failure) }
                    condition.lock()
                    planner.waveEnded()
                    activeRows -= wave.count
                    let idle = activeRows == 0
                    condition.signal()
                    condition.unlock()
                    if idle { ReturnMemory.toSystem() }
                }
                thread.name = "generate-\(name)"
                thread.stackSize = 4 << 20
                thread.start()
            }
        }
    }
}
