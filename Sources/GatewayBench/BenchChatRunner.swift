import Foundation

/// Runs the chat scenarios of a `BenchChatPlan` against the server: every scenario starts with an unmeasured
/// warmup, and the CPU time of the machine, the server and the bench is read around the measured part.
struct BenchChatRunner: Sendable {
    let client: BenchChatClient
    let plan: BenchChatPlan
    /// The server's pid, for its CPU time; nil when unknown.
    let serverPID: Int32?

    /// One stream at a time, `maxTokens` new tokens each.
    func single() async throws -> BenchChatSequentialResult {
        try await sequential(
            description: "one stream at a time, \(plan.maxTokens) new tokens, unique short prompts",
            warmup: plan.singleWarmup, prompts: plan.single, maxTokens: plan.maxTokens, includeText: true)
    }

    /// One stream at a time on the long prompts; only the first token matters.
    func ttft() async throws -> BenchChatSequentialResult {
        try await sequential(
            description: "one stream at a time, prompt of ~250 tokens, \(plan.ttftMaxTokens) new tokens",
            warmup: plan.ttftWarmup, prompts: plan.ttft, maxTokens: plan.ttftMaxTokens, includeText: false)
    }

    /// The rounds of one concurrency level, each starting all its streams together.
    func concurrent(_ level: BenchChatPlan.Level) async throws -> BenchChatConcurrentResult {
        let warmup = await round(try bodies(level.warmup, maxTokens: plan.warmupMaxTokens))
        let rounds = try level.rounds.map { try bodies($0, maxTokens: plan.maxTokens) }
        let (streams, seconds, cpu) = await measured {
            var streams: [[BenchChatStream]] = []
            for bodies in rounds { streams.append(await round(bodies)) }
            return streams
        }
        return BenchChatConcurrentResult(concurrency: level.concurrency, maxTokens: plan.maxTokens, rounds: streams,
                                         warmup: warmup, seconds: seconds, cpu: cpu)
    }

    private func sequential(description: String, warmup: String, prompts: [String], maxTokens: Int,
                            includeText: Bool) async throws -> BenchChatSequentialResult {
        let warmupStream = await client.stream(try client.body(prompt: warmup, maxTokens: min(maxTokens, 16)))
        let bodies = try bodies(prompts, maxTokens: maxTokens)
        let (streams, seconds, cpu) = await measured {
            var streams: [BenchChatStream] = []
            for body in bodies { streams.append(await client.stream(body)) }
            return streams
        }
        return BenchChatSequentialResult(description: description, maxTokens: maxTokens, streams: streams,
                                         warmup: warmupStream, seconds: seconds, cpu: cpu, includeText: includeText)
    }

    /// Sends every body at once and waits for every stream; the result keeps the bodies' order.
    private func round(_ bodies: [Data]) async -> [BenchChatStream] {
        let client = client
        return await withTaskGroup(of: (Int, BenchChatStream).self) { group in
            for (index, body) in bodies.enumerated() {
                group.addTask { (index, await client.stream(body)) }
            }
            var streams: [BenchChatStream?] = Array(repeating: nil, count: bodies.count)
            for await (index, stream) in group { streams[index] = stream }
            return streams.compactMap { $0 }
        }
    }

    private func bodies(_ prompts: [String], maxTokens: Int) throws -> [Data] {
        try prompts.map { try client.body(prompt: $0, maxTokens: maxTokens) }
    }

    /// Runs `work`, returning its value, its wall time in seconds and the CPU time spent meanwhile.
    private func measured<Value: Sendable>(
        _ work: () async -> Value
    ) async -> (Value, Double, BenchCPUSnapshot.Usage) {
        let clock = ContinuousClock()
        let start = clock.now
        let cpuStart = BenchCPUSnapshot.now(serverPID: serverPID)
        let value = await work()
        let cpu = BenchCPUSnapshot.now(serverPID: serverPID).usage(since: cpuStart)
        return (value, BenchLatencySummary.milliseconds(clock.now - start) / 1_000, cpu)
    }
}
