import ArgumentParser
import AsyncHTTPClient
import Foundation

/// `ai-gateway bench embeddings`: batch, concurrent and single-text scenarios against `POST /v1/embeddings` of a
/// running server, with latency percentiles, throughput and the server's peak memory.
struct BenchEmbeddingsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "embeddings",
        abstract: "Benchmark POST /v1/embeddings of a running server.",
        discussion: """
            Scenarios: batch (sequential requests of --batch-size mixed-length texts), concurrent (single-text \
            requests from --concurrency loops in flight), single (one short text, sequential). Each scenario \
            sends --requests requests (default: batch one pass over the texts, concurrent one request per text, \
            single 200) and stops early at --duration seconds. Exits non-zero when a request fails.
            """
    )

    @Option(help: "Base URL of the running server.")
    var url = "http://127.0.0.1:8000"

    @Option(help: "Model id to request.")
    var model = "all-minilm-l6-v2"

    @Option(help: "batch, concurrent, single, all, or none (only --dump-texts).")
    var scenario: BenchScenarioChoice = .all

    @Option(help: "JSON array of strings to send (default: generated texts).")
    var texts: String?

    @Option(name: .customLong("text-count"), help: "How many texts to generate.")
    var textCount = 512

    @Option(help: "Seed of the text generator.")
    var seed: UInt64 = 42

    @Option(name: .customLong("single-text"), help: "The text of the single scenario.")
    var singleText = "The quick brown fox jumps over the lazy dog."

    @Option(help: "Measured requests per scenario (default: see above).")
    var requests: Int?

    @Option(help: "Most seconds of measured requests per scenario.")
    var duration: Double = 30

    @Option(name: .customLong("batch-size"), help: "Texts per request in the batch scenario.")
    var batchSize = 32

    @Option(help: "Requests in flight in the concurrent scenario.")
    var concurrency = 16

    @Option(help: "Unmeasured requests before each scenario (the concurrent one sends at least --concurrency).")
    var warmup = 3

    @Option(help: "Seconds one request may take.")
    var timeout: Int64 = 120

    @Flag(inversion: .prefixedNo, help: "Send \"truncate\": true: texts over the model's limit are cut, not refused.")
    var truncate = true

    @Flag(help: "Print the report as JSON.")
    var json = false

    @Option(name: .customLong("server-pid"), help: "The server's pid: read its memory from /proc, not /health.")
    var serverPID: Int32?

    @Option(name: .customLong("dump-texts"), help: "Write the texts as a JSON array to this file.")
    var dumpTexts: String?

    func validate() throws {
        guard batchSize >= 1, concurrency >= 1, warmup >= 0, textCount >= 1, timeout >= 1 else {
            throw ValidationError("--batch-size, --concurrency, --text-count and --timeout must be at least 1, "
                + "--warmup at least 0")
        }
        if let requests, requests < 1 { throw ValidationError("--requests must be at least 1") }
        guard duration > 0 else { throw ValidationError("--duration must be positive") }
        if let serverPID, BenchMemorySampler.procStatus(pid: serverPID, field: "VmRSS") == nil {
            throw ValidationError("no readable /proc/\(serverPID)/status for --server-pid")
        }
    }

    func run() async throws {
        let (texts, source) = try loadTexts()
        if let dumpTexts {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.withoutEscapingSlashes]
            try encoder.encode(texts).write(to: URL(fileURLWithPath: dumpTexts))
            Self.progress("wrote \(texts.count) texts to \(dumpTexts)")
        }
        let scenarios = scenario.scenarios
        guard !scenarios.isEmpty else { return }

        let baseURL = url.hasSuffix("/") ? String(url.dropLast()) : url
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool = .init(
            idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: concurrency + 2)
        configuration.timeout = .init(connect: .seconds(5), read: .seconds(timeout))
        let (results, memory) = try await HTTPClient.withHTTPClient(configuration: configuration) { http in
            let sampler = BenchMemorySampler(
                source: serverPID.map { .process($0) } ?? .health(http, baseURL: baseURL))
            try await Self.checkReachable(http: http, baseURL: baseURL)
            let client = BenchEmbeddingsClient(
                http: http, baseURL: baseURL, model: model, truncate: truncate, timeoutSeconds: timeout)
            let runner = BenchScenarioRunner(client: client, sampler: sampler, serverPID: serverPID)
            var results: [String: BenchScenarioResult] = [:]
            for scenario in scenarios {
                let plan = try plan(scenario, texts: texts, client: client)
                Self.progress("\(scenario.rawValue): \(plan.description); warmup \(plan.warmup), "
                    + "then \(plan.requests) requests (at most \(Self.seconds(duration)) s)")
                let result = await runner.run(plan)
                let p50 = result.latencyMs.map { BenchEmbeddingsReport.format($0.p50, 2) } ?? "-"
                Self.progress("\(scenario.rawValue): \(BenchEmbeddingsReport.format(result.textsPerSecond, 1)) "
                    + "texts/s, p50 \(p50) ms, "
                    + "\(result.failed) failed (warmup: \(result.warmupFailed))")
                results[scenario.rawValue] = result
            }
            let peak = results.values.compactMap(\.peakRSSBytes).max()
            let memory = BenchEmbeddingsReport.Memory(
                source: sampler.sourceDescription, peakRSSBytes: peak, highWaterMarkBytes: sampler.highWaterMark())
            return (results, memory)
        }

        let report = BenchEmbeddingsReport(
            benchmark: "embeddings",
            date: Date().formatted(.iso8601),
            commandLine: Self.commandLine(),
            machine: .current(),
            url: baseURL,
            model: model,
            texts: Self.describe(texts, source: source, batchSize: batchSize, singleText: singleText),
            settings: .init(requests: requests, durationLimitSeconds: duration, warmup: warmup,
                            concurrency: concurrency, timeoutSeconds: timeout, truncate: truncate),
            memory: memory,
            scenarios: results,
            failed: results.values.map { $0.failed + $0.warmupFailed }.reduce(0, +)
        )
        try BenchOutput.emit(report, json: json, units: "requests")
    }

    /// What `scenario` sends.
    private func plan(
        _ scenario: BenchScenario, texts: [String], client: BenchEmbeddingsClient
    ) throws -> BenchScenarioRunner.Plan {
        let limit = Duration.milliseconds(Int64(duration * 1_000))
        switch scenario {
        case .batch:
            let batches = stride(from: 0, to: texts.count, by: batchSize).map {
                Array(texts[$0..<min($0 + batchSize, texts.count)])
            }
            return .init(
                name: scenario.rawValue,
                description: "sequential requests of \(batchSize) mixed-length texts",
                payloads: try batches.map { try client.payload(texts: $0, single: false) },
                requests: requests ?? batches.count, concurrency: 1, warmup: warmup, duration: limit)
        case .concurrent:
            return .init(
                name: scenario.rawValue,
                description: "single-text requests, \(concurrency) in flight",
                payloads: try texts.map { try client.payload(texts: [$0], single: true) },
                requests: requests ?? texts.count, concurrency: concurrency, warmup: max(warmup, concurrency),
                duration: limit)
        case .single:
            return .init(
                name: scenario.rawValue,
                description: "one short text, sequential",
                payloads: [try client.payload(texts: [singleText], single: true)],
                requests: requests ?? 200, concurrency: 1, warmup: warmup, duration: limit)
        }
    }

    /// The texts from `--texts`, else generated; and where they came from.
    private func loadTexts() throws -> ([String], String) {
        guard let path = texts else {
            var generator = BenchTextGenerator(seed: seed)
            return (generator.texts(count: textCount), "generated (seed \(seed))")
        }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw BenchFailure("cannot read --texts \(path): \(error.localizedDescription)")
        }
        guard let loaded = try? JSONDecoder().decode([String].self, from: data), !loaded.isEmpty else {
            throw BenchFailure("--texts \(path) is not a non-empty JSON array of strings")
        }
        return (loaded, path)
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

    private static func describe(
        _ texts: [String], source: String, batchSize: Int, singleText: String
    ) -> BenchEmbeddingsReport.Texts {
        let words = texts.map { $0.split(whereSeparator: \.isWhitespace).count }
        return .init(
            source: source,
            count: texts.count,
            batchSize: batchSize,
            batches: (texts.count + batchSize - 1) / batchSize,
            minWords: words.min() ?? 0,
            meanWords: Double(words.reduce(0, +)) / Double(max(1, words.count)),
            maxWords: words.max() ?? 0,
            singleText: singleText
        )
    }

    /// This process's command line, quoted for a POSIX shell where needed.
    private static func commandLine() -> String {
        let safe = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./=:,@+%")
        return CommandLine.arguments.map { argument in
            !argument.isEmpty && argument.allSatisfy(safe.contains)
                ? argument : "'" + argument.replacingOccurrences(of: "'", with: "'\\''") + "'"
        }.joined(separator: " ")
    }

    private static func seconds(_ value: Double) -> String {
        BenchEmbeddingsReport.format(value, value.rounded() == value ? 0 : 1)
    }

    private static func progress(_ message: String) {
        BenchOutput.progress(message)
    }
}
