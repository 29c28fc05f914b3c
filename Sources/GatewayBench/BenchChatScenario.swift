/// The chat benchmark's scenarios, in the order they run.
enum BenchChatScenario: String, CaseIterable, Sendable {
    /// One stream at a time, `--max-tokens` new tokens: the decode rate of a single stream.
    case single
    /// One stream at a time on a prompt of about 250 tokens: the time to the first token.
    case ttft
    /// `--concurrency` streams started together: the aggregate decode rate and per-stream TTFT.
    case concurrent
}
