/// The numbers of one concurrency level: each round starts every stream together; its aggregate rate is the
/// completion tokens of all its streams over the wall time from the first request sent to the last stream done.
struct BenchChatConcurrentResult: Encodable, Sendable {
    /// One round of `concurrency` streams.
    struct Round: Encodable, Sendable {
        let wallMs: Double
        let completionTokens: Int
        let aggregateTokensPerSecond: Double
        let ttftMs: BenchLatencySummary?
        let failed: Int
        let streams: [BenchChatStreamSummary]

        init(_ streams: [BenchChatStream]) {
            let good = streams.filter { $0.error == nil }
            let start = streams.map(\.sent).min()
            let end = streams.map(\.end).max()
            let wall = start.flatMap { start in end.map { BenchLatencySummary.milliseconds($0 - start) } } ?? 0
            wallMs = wall
            completionTokens = good.compactMap(\.completionTokens).reduce(0, +)
            aggregateTokensPerSecond = wall > 0 ? Double(completionTokens) / (wall / 1_000) : 0
            ttftMs = BenchLatencySummary(good.compactMap(\.timeToFirstToken))
            failed = streams.count - good.count
            self.streams = streams.map { $0.summary(includeText: false) }
        }
    }

    let concurrency: Int
    let maxTokens: Int
    let rounds: [Round]
    /// Aggregate tokens/s per round (rounds with a failed stream left out).
    let aggregateTokensPerSecond: BenchChatRateSummary?
    /// Time to first token of every successful stream of every round.
    let ttftMs: BenchLatencySummary?
    /// Decode rate of each successful stream on its own.
    let streamDecodeTokensPerSecond: BenchChatRateSummary?
    let failed: Int
    let warmupFailed: Int
    let seconds: Double
    let cpu: BenchCPUSnapshot.Usage
    let firstError: String?

    init(concurrency: Int, maxTokens: Int, rounds streams: [[BenchChatStream]], warmup: [BenchChatStream],
         seconds: Double, cpu: BenchCPUSnapshot.Usage) {
        let good = streams.joined().filter { $0.error == nil }
        let rounds = streams.map(Round.init)
        self.concurrency = concurrency
        self.maxTokens = maxTokens
        self.rounds = rounds
        aggregateTokensPerSecond = BenchChatRateSummary(
            rounds.filter { $0.failed == 0 }.map(\.aggregateTokensPerSecond))
        ttftMs = BenchLatencySummary(good.compactMap(\.timeToFirstToken))
        streamDecodeTokensPerSecond = BenchChatRateSummary(good.compactMap(\.decodeTokensPerSecond))
        failed = rounds.map(\.failed).reduce(0, +)
        warmupFailed = warmup.filter { $0.error != nil }.count
        self.seconds = seconds
        self.cpu = cpu
        firstError = (warmup + streams.joined()).lazy.compactMap(\.error).first
    }
}
