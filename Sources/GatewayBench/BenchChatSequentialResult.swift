/// The numbers of a scenario that sends one stream at a time (single, ttft): every run, and the medians the issue
/// asks for.
struct BenchChatSequentialResult: Encodable, Sendable {
    let description: String
    let maxTokens: Int
    let runs: [BenchChatStreamSummary]
    /// Decode rate of the successful runs: (completion_tokens - 1) / (finish chunk - first content chunk).
    let decodeTokensPerSecond: BenchChatRateSummary?
    let ttftMs: BenchLatencySummary?
    let promptTokens: [Int]
    let completionTokens: [Int]
    let failed: Int
    let warmupFailed: Int
    let seconds: Double
    /// CPU time of the machine, the bench, the server and everything else during the measured runs.
    let cpu: BenchCPUSnapshot.Usage
    let firstError: String?

    init(description: String, maxTokens: Int, streams: [BenchChatStream], warmup: BenchChatStream, seconds: Double,
         cpu: BenchCPUSnapshot.Usage, includeText: Bool) {
        let good = streams.filter { $0.error == nil }
        self.description = description
        self.maxTokens = maxTokens
        runs = streams.map { $0.summary(includeText: includeText) }
        decodeTokensPerSecond = BenchChatRateSummary(good.compactMap(\.decodeTokensPerSecond))
        ttftMs = BenchLatencySummary(good.compactMap(\.timeToFirstToken))
        promptTokens = good.compactMap(\.promptTokens)
        completionTokens = good.compactMap(\.completionTokens)
        failed = streams.count - good.count
        warmupFailed = warmup.error == nil ? 0 : 1
        self.seconds = seconds
        self.cpu = cpu
        firstError = warmup.error ?? streams.lazy.compactMap(\.error).first
    }
}
