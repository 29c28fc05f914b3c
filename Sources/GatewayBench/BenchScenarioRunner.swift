/// Runs one scenario against the server: a warmup, then the measured requests from `concurrency` loops in
/// flight (each loop waits for its answer before sending the next), while the memory sampler runs beside them.
struct BenchScenarioRunner: Sendable {
    /// What one scenario sends.
    struct Plan: Sendable {
        let name: String
        let description: String
        /// Request `i` sends `payloads[i % payloads.count]`.
        let payloads: [BenchEmbeddingsClient.Payload]
        let requests: Int
        let concurrency: Int
        let warmup: Int
        let duration: Duration
    }

    let client: BenchEmbeddingsClient
    let sampler: BenchMemorySampler
    /// The server's pid, for its CPU time; nil when unknown.
    let serverPID: Int32?

    func run(_ plan: Plan) async -> BenchScenarioResult {
        let warmup = await send(plan, count: plan.warmup, deadline: nil)
        let clock = ContinuousClock()
        let start = clock.now
        let cpuStart = BenchCPUSnapshot.now(serverPID: serverPID)
        let (tally, peak) = await withTaskGroup(of: Part.self) { group in
            group.addTask { .peak(await sampler.peakUntilCancelled()) }
            group.addTask { .tally(await send(plan, count: plan.requests, deadline: start + plan.duration)) }
            var tally = Tally()
            var peak: Int?
            for await part in group {
                switch part {
                case .tally(let value):
                    tally = value
                    group.cancelAll()
                case .peak(let value):
                    peak = value
                }
            }
            return (tally, peak)
        }
        let cpu = BenchCPUSnapshot.now(serverPID: serverPID).usage(since: cpuStart)
        let seconds = BenchLatencySummary.milliseconds(tally.end.map { $0 - start } ?? .zero) / 1_000
        return BenchScenarioResult(
            name: plan.name,
            description: plan.description,
            concurrency: plan.concurrency,
            inputsPerRequest: plan.payloads.map(\.expected).max() ?? 0,
            warmupRequests: plan.warmup,
            requests: tally.succeeded + tally.failed,
            succeeded: tally.succeeded,
            failed: tally.failed,
            warmupFailed: warmup.failed,
            texts: tally.texts,
            seconds: seconds,
            textsPerSecond: seconds > 0 ? Double(tally.texts) / seconds : 0,
            requestsPerSecond: seconds > 0 ? Double(tally.succeeded) / seconds : 0,
            latencyMs: BenchLatencySummary(tally.latencies),
            dimensions: tally.dimensions ?? warmup.dimensions,
            stoppedBy: tally.stoppedByDuration ? "duration" : "requests",
            peakRSSBytes: peak,
            cpu: cpu,
            firstError: warmup.firstError ?? tally.firstError
        )
    }

    /// Sends requests `0..<count`, loop `k` taking `k`, `k + concurrency`, ...; a loop sends nothing new after
    /// `deadline`.
    private func send(_ plan: Plan, count: Int, deadline: ContinuousClock.Instant?) async -> Tally {
        guard count > 0, !plan.payloads.isEmpty else { return Tally() }
        let client = client
        return await withTaskGroup(of: Tally.self) { group in
            for loop in 0..<min(plan.concurrency, count) {
                group.addTask {
                    var tally = Tally()
                    var index = loop
                    while index < count {
                        if let deadline, ContinuousClock.now >= deadline {
                            tally.stoppedByDuration = true
                            break
                        }
                        let payload = plan.payloads[index % plan.payloads.count]
                        tally.add(await client.send(payload), inputs: payload.expected)
                        index += plan.concurrency
                    }
                    tally.end = ContinuousClock.now
                    return tally
                }
            }
            var total = Tally()
            for await tally in group { total.merge(tally) }
            return total
        }
    }

    private enum Part: Sendable {
        case tally(Tally)
        case peak(Int?)
    }

    /// What a set of loops saw.
    private struct Tally: Sendable {
        var latencies: [Duration] = []
        var succeeded = 0
        var failed = 0
        var texts = 0
        var dimensions: Int?
        var firstError: String?
        var stoppedByDuration = false
        /// When the last loop finished.
        var end: ContinuousClock.Instant?

        mutating func add(_ result: BenchEmbeddingsClient.Result, inputs: Int) {
            if let error = result.error {
                failed += 1
                firstError = firstError ?? error
            } else {
                succeeded += 1
                texts += inputs
                latencies.append(result.latency)
                dimensions = dimensions ?? result.dimensions
            }
        }

        mutating func merge(_ other: Tally) {
            latencies += other.latencies
            succeeded += other.succeeded
            failed += other.failed
            texts += other.texts
            dimensions = dimensions ?? other.dimensions
            firstError = firstError ?? other.firstError
            stoppedByDuration = stoppedByDuration || other.stoppedByDuration
            end = [end, other.end].compactMap { $0 }.max()
        }
    }
}
