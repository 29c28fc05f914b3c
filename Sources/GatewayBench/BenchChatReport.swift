/// Everything one `ai-gateway bench chat` run measured, with the machine, date and command line; its JSON form
/// (snake_case keys) is what `--json` prints and what `scripts/bench-chat` compares with the Python baseline.
struct BenchChatReport: Encodable, Sendable {
    /// The run's settings.
    struct Settings: Encodable, Sendable {
        let maxTokens: Int
        let ttftMaxTokens: Int
        let warmupMaxTokens: Int
        let repeats: Int
        let ttftRepeats: Int
        let concurrency: [Int]
        let temperature: Double
        let seed: UInt64
        let longPromptWords: Int
        let timeoutSeconds: Int64
    }

    /// The server's memory during the whole run.
    struct Memory: Encodable, Sendable {
        let source: String
        /// The largest resident set size sampled while the scenarios ran.
        let peakRSSBytes: Int?
        /// `VmHWM` of the server process at the end: its peak since it started (only with `--server-pid`).
        let highWaterMarkBytes: Int?
    }

    /// The scenarios that ran.
    struct Scenarios: Encodable, Sendable {
        var single: BenchChatSequentialResult?
        var ttft: BenchChatSequentialResult?
        var concurrent: [BenchChatConcurrentResult]?
    }

    /// Median aggregate tokens/s of a concurrency level over the median single-stream decode rate.
    struct Speedup: Encodable, Sendable {
        let concurrency: Int
        let aggregateOverSingle: Double
    }

    let benchmark: String
    let date: String
    let commandLine: String
    let machine: BenchMachine
    let url: String
    let model: String
    let settings: Settings
    let memory: Memory
    let scenarios: Scenarios
    let speedups: [Speedup]
    /// Failed streams of all scenarios, warmups included: the run exits non-zero when this is not 0.
    let failed: Int

    init(date: String, commandLine: String, machine: BenchMachine, url: String, model: String, settings: Settings,
         memory: Memory, scenarios: Scenarios) {
        benchmark = "chat"
        self.date = date
        self.commandLine = commandLine
        self.machine = machine
        self.url = url
        self.model = model
        self.settings = settings
        self.memory = memory
        self.scenarios = scenarios
        let single = scenarios.single?.decodeTokensPerSecond?.median
        speedups = (scenarios.concurrent ?? []).compactMap { level in
            guard let single, single > 0, let aggregate = level.aggregateTokensPerSecond?.median else { return nil }
            return Speedup(concurrency: level.concurrency, aggregateOverSingle: aggregate / single)
        }
        let sequential = [scenarios.single, scenarios.ttft].compactMap { $0 }.map { $0.failed + $0.warmupFailed }
        let concurrent = (scenarios.concurrent ?? []).map { $0.failed + $0.warmupFailed }
        failed = (sequential + concurrent).reduce(0, +)
    }
}
