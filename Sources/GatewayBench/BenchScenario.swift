/// The embeddings benchmark's scenarios, in the order they run.
enum BenchScenario: String, CaseIterable, Sendable {
    /// Sequential requests of `--batch-size` mixed-length texts.
    case batch
    /// Single-text requests from `--concurrency` loops in flight.
    case concurrent
    /// One short text, sequential: the end-to-end latency floor.
    case single
}
