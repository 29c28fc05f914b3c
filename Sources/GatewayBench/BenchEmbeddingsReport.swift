/// Everything one `ai-gateway bench embeddings` run measured, with the machine, date and command line; its JSON
/// form (snake_case keys) is what `--json` prints and what BENCHMARKS.md numbers come from.
struct BenchEmbeddingsReport: Encodable, Sendable {
    /// The texts the run sent.
    struct Texts: Encodable, Sendable {
        let source: String
        let count: Int
        let batchSize: Int
        let batches: Int
        let minWords: Int
        let meanWords: Double
        let maxWords: Int
        let singleText: String
    }

    /// The run's limits.
    struct Settings: Encodable, Sendable {
        let requests: Int?
        let durationLimitSeconds: Double
        let warmup: Int
        let concurrency: Int
        let timeoutSeconds: Int64
        let truncate: Bool
    }

    /// The server's memory while the scenarios ran.
    struct Memory: Encodable, Sendable {
        let source: String
        let peakRSSBytes: Int?
        /// `VmHWM` of the server process at the end (only with `--server-pid`).
        let highWaterMarkBytes: Int?
    }

    let benchmark: String
    let date: String
    let commandLine: String
    let machine: BenchMachine
    let url: String
    let model: String
    let texts: Texts
    let settings: Settings
    let memory: Memory
    let scenarios: [String: BenchScenarioResult]
    /// Failed requests of all scenarios, warmups included: the run exits non-zero when this is not 0.
    let failed: Int
}
