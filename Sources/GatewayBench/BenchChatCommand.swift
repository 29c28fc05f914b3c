import ArgumentParser
import AsyncHTTPClient
import Foundation

/// `ai-gateway bench chat`: single-stream decode rate, time to first token on a long prompt, and aggregate rate of
/// concurrent streams, measured on streamed `POST /v1/chat/completions` of a running server, plus its peak memory.
struct BenchChatCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chat",
        abstract: "Benchmark streamed POST /v1/chat/completions of a running server.",
        discussion: """
            Scenarios: single (one stream at a time, --max-tokens new tokens, --repeats runs), ttft (one stream at \
            a time on a prompt of about 250 tokens, --ttft-repeats runs), concurrent (for each --concurrency level, \
            --repeats rounds starting that many streams together). Every request has a prompt of its own (no cache \
            can help), temperature 0 and stream_options.include_usage; token counts come from the usage chunk. \
            Each scenario starts with an unmeasured warmup. Exits non-zero when a stream fails.
            """
    )

    @Option(help: "Base URL of the running server.")
    var url = "http://127.0.0.1:8000"

    @Option(help: "Model id to request.")
    var model = "smollm2-135m-instruct"

    @Option(help: "single, ttft, concurrent, all, or none (only --dump-prompts).")
    var scenario: BenchChatScenarioChoice = .all

    @Option(name: .customLong("max-tokens"), help: "New tokens per single and concurrent stream.")
    var maxTokens = 128

    @Option(help: "Comma-separated numbers of streams started together (default: 4,8).",
            transform: BenchChatCommand.levels)
    var concurrency: [Int] = [4, 8]

    @Option(help: "Measured single runs, and measured rounds per concurrency level.")
    var repeats = 3

    @Option(name: .customLong("ttft-repeats"), help: "Measured runs of the ttft scenario.")
    var ttftRepeats = 5

    @Option(name: .customLong("ttft-max-tokens"), help: "New tokens per ttft stream.")
    var ttftMaxTokens = 16

    @Option(name: .customLong("long-prompt-words"),
            help: "Words of notes in the ttft prompt (170: ~250 tokens with SmolLM2).")
    var longPromptWords = BenchChatPrompts.defaultLongWords

    @Option(help: "Seed of the prompt order and of the long prompts' notes.")
    var seed: UInt64 = 42

    @Option(help: "Seconds one stream may take.")
    var timeout: Int64 = 300

    @Flag(help: "Print the report as JSON.")
    var json = false

    @Option(name: .customLong("server-pid"), help: "The server's pid: read its memory from /proc, not /health.")
    var serverPID: Int32?

    @Option(name: .customLong("dump-prompts"), help: "Write every prompt of the run as JSON to this file.")
    var dumpPrompts: String?

    /// New tokens of each warmup stream before the concurrent rounds.
    static let warmupMaxTokens = 8

    func validate() throws {
        guard maxTokens >= 2, ttftMaxTokens >= 1 else {
            throw ValidationError("--max-tokens must be at least 2 and --ttft-max-tokens at least 1")
        }
        guard repeats >= 1, ttftRepeats >= 1, timeout >= 1, longPromptWords >= 1 else {
            throw ValidationError("--repeats, --ttft-repeats, --timeout and --long-prompt-words must be at least 1")
        }
        if let serverPID, BenchMemorySampler.procStatus(pid: serverPID, field: "VmRSS") == nil {
            throw ValidationError("no readable /proc/\(serverPID)/status for --server-pid")
        }
    }

    func run() async throws {
        let plan = BenchChatPlan(
            prompts: BenchChatPrompts(seed: seed, longWords: longPromptWords), maxTokens: maxTokens,
            ttftMaxTokens: ttftMaxTokens, warmupMaxTokens: Self.warmupMaxTokens, repeats: repeats,
            ttftRepeats: ttftRepeats, levels: concurrency)
        if let dumpPrompts {
            let encoder = JSONEncoder()
            encoder.keyEncodingStrategy = .convertToSnakeCase
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            try encoder.encode(plan).write(to: URL(fileURLWithPath: dumpPrompts))
            Self.progress("wrote the run's prompts to \(dumpPrompts)")
        }
        let scenarios = scenario.scenarios
        guard !scenarios.isEmpty else { return }

        let baseURL = url.hasSuffix("/") ? String(url.dropLast()) : url
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool = .init(
            idleTimeout: .seconds(60),
            concurrentHTTP1ConnectionsPerHostSoftLimit: (concurrency.max() ?? 1) + 2)
        configuration.timeout = .init(connect: .seconds(5), read: .seconds(timeout))
        // One connection per request, whatever the server: llama.cpp's server closes the connection after a streamed
        // response while advertising keep-alive, so a pooled connection could fail its next request. A loopback
        // connect costs the same on every server measured.
        configuration.maximumUsesPerConnection = 1
        let (results, memory) = try await HTTPClient.withHTTPClient(configuration: configuration) { http in
            let sampler = BenchMemorySampler(
                source: serverPID.map { .process($0) } ?? .health(http, baseURL: baseURL))
            try await Self.checkReachable(http: http, baseURL: baseURL)
            let client = BenchChatClient(http: http, baseURL: baseURL, model: model, timeoutSeconds: timeout)
            let runner = BenchChatRunner(client: client, plan: plan, serverPID: serverPID)
            let (results, peak) = try await Self.sampling(sampler) {
                try await Self.run(scenarios, runner: runner, plan: plan)
            }
            let memory = BenchChatReport.Memory(
                source: sampler.sourceDescription, peakRSSBytes: peak, highWaterMarkBytes: sampler.highWaterMark())
            return (results, memory)
        }

        let report = BenchChatReport(
            date: Date().formatted(.iso8601),
            commandLine: Self.commandLine(),
            machine: .current(),
            url: baseURL,
            model: model,
            settings: .init(maxTokens: maxTokens, ttftMaxTokens: ttftMaxTokens, warmupMaxTokens: Self.warmupMaxTokens,
                            repeats: repeats, ttftRepeats: ttftRepeats, concurrency: concurrency, temperature: 0,
                            seed: seed, longPromptWords: longPromptWords, timeoutSeconds: timeout),
            memory: memory,
            scenarios: results
        )
        try BenchOutput.emit(report, json: json, units: "streams")
    }

    /// Runs `scenarios` in order, reporting each on standard error as it ends.
    private static func run(
        _ scenarios: [BenchChatScenario], runner: BenchChatRunner, plan: BenchChatPlan
    ) async throws -> BenchChatReport.Scenarios {
        var results = BenchChatReport.Scenarios()
        for scenario in scenarios {
            switch scenario {
            case .single:
                progress("single: \(plan.single.count) runs of \(plan.maxTokens) new tokens")
                let result = try await runner.single()
                results.single = result
                progress("single: decode \(rate(result.decodeTokensPerSecond)) tok/s (median), "
                    + "TTFT p50 \(milliseconds(result.ttftMs)) ms, \(result.failed + result.warmupFailed) failed")
            case .ttft:
                progress("ttft: \(plan.ttft.count) runs on prompts of ~250 tokens")
                let result = try await runner.ttft()
                results.ttft = result
                progress("ttft: p50 \(milliseconds(result.ttftMs)) ms, prompt tokens "
                    + "\(result.promptTokens.map(String.init).joined(separator: ",")), "
                    + "\(result.failed + result.warmupFailed) failed")
            case .concurrent:
                var levels: [BenchChatConcurrentResult] = []
                for level in plan.concurrent {
                    progress("concurrent \(level.concurrency): \(level.rounds.count) rounds of \(level.concurrency) "
                        + "streams x \(plan.maxTokens) new tokens")
                    let result = try await runner.concurrent(level)
                    levels.append(result)
                    progress("concurrent \(level.concurrency): aggregate \(rate(result.aggregateTokensPerSecond)) "
                        + "tok/s (median), TTFT p50 \(milliseconds(result.ttftMs)) ms, "
                        + "\(result.failed + result.warmupFailed) failed")
                }
                results.concurrent = levels
            }
        }
        return results
    }

    /// Runs `work` while `sampler` samples the server's memory; returns its value and the peak seen.
    private static func sampling(
        _ sampler: BenchMemorySampler, _ work: @escaping @Sendable () async throws -> BenchChatReport.Scenarios
    ) async throws -> (BenchChatReport.Scenarios, Int?) {
        let (outcome, peak) = await withTaskGroup(of: SamplingPart.self) { group in
            group.addTask { .peak(await sampler.peakUntilCancelled()) }
            group.addTask {
                do { return .work(.success(try await work())) } catch { return .work(.failure(error)) }
            }
            var outcome: Result<BenchChatReport.Scenarios, any Error>?
            var peak: Int?
            for await part in group {
                switch part {
                case .work(let value):
                    outcome = value
                    group.cancelAll()
                case .peak(let value):
                    peak = value
                }
            }
            return (outcome, peak)
        }
        guard let outcome else { throw CancellationError() }
        return (try outcome.get(), peak)
    }

    /// What the two tasks of `sampling` return.
    private enum SamplingPart: Sendable {
        case work(Result<BenchChatReport.Scenarios, any Error>)
        case peak(Int?)
    }

    /// Parses `--concurrency`: comma-separated positive integers.
    static func levels(_ text: String) throws -> [Int] {
        let levels = text.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !levels.isEmpty, levels.allSatisfy({ ($0 ?? 0) >= 1 }) else {
            throw ValidationError("--concurrency takes positive integers separated by commas, such as 4,8")
        }
        return levels.compactMap { $0 }
    }

    /// Fails early, with a clear message, when nothing answers at `baseURL`.
    private static func checkReachable(http: HTTPClient, baseURL: String) async throws {
        var request = HTTPClientRequest(url: baseURL + "/health")
        request.method = .GET
        do {
            let response = try await http.execute(request, timeout: .seconds(10))
            _ = try await response.body.collect(upTo: 1 << 20)
        } catch {
            throw BenchFailure("no server answers at \(baseURL): \(error)")
        }
    }

    /// This process's command line, quoted for a POSIX shell where needed.
    private static func commandLine() -> String {
        let safe = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./=:,@+%")
        return CommandLine.arguments.map { argument in
            !argument.isEmpty && argument.allSatisfy(safe.contains)
                ? argument : "'" + argument.replacingOccurrences(of: "'", with: "'\\''") + "'"
        }.joined(separator: " ")
    }

    private static func rate(_ summary: BenchChatRateSummary?) -> String {
        summary.map { BenchChatReport.format($0.median, 1) } ?? "-"
    }

    private static func milliseconds(_ summary: BenchLatencySummary?) -> String {
        summary.map { BenchChatReport.format($0.p50, 1) } ?? "-"
    }

    private static func progress(_ message: String) {
        BenchOutput.progress(message)
    }
}
