import ArgumentParser
import Foundation
import GatewayCore
import ONNXRuntime

/// `ai-gateway bench engine`: the chat benchmark's baseline for the server's own engine. It runs the decode engine
/// in-process (no HTTP) on the very prompts `ai-gateway bench chat` sends (`--prompts`, written by its
/// `--dump-prompts`), greedy, every core, and reports what `tools/bench_chat_direct.py` reports for
/// onnxruntime-genai: per single prompt the decode rate, (tokens - 1) / (last token time - first token time), and
/// the time to the first token of the ~250-token prompts.
struct BenchEngineCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "engine",
        abstract: "Measure the decode engine alone, in-process, on the prompts of a chat benchmark plan.")

    @Option(help: "The plan written by `ai-gateway bench chat --scenario none --dump-prompts FILE`.")
    var prompts: String

    @Option(name: .customLong("model-dir"), help: "The chat model folder.")
    var modelDirectory = "models/smollm2-135m-instruct"

    @Option(help: "ONNX Runtime intra-op threads (default: every core).")
    var threads = ProcessInfo.processInfo.activeProcessorCount

    @Option(name: .customLong("max-tokens"), help: "New tokens per single prompt (default: the plan's).")
    var maxTokens: Int?

    @Option(name: .customLong("kv-cache-tokens"), help: "KV cache tokens (default: the server's, 8 rows × 2048).")
    var kvCacheTokens: Int?

    @Option(name: .customLong("rows"), help: "KV cache rows (the server's max_batch_size).")
    var rows = 8

    @Option(help: "Comma-separated numbers of streams run at once on the plan's concurrent prompts (default: 4,8).")
    var concurrency = "4,8"

    @Option(name: .customLong("json-out"), help: "Write the report as JSON here.")
    var jsonOut: String?

    struct Plan: Decodable {
        let maxTokens: Int
        let ttftMaxTokens: Int?
        let single: [String]
        let singleWarmup: String
        let ttft: [String]
        let ttftWarmup: String
        let concurrent: [Level]?

        struct Level: Decodable {
            let concurrency: Int
            let rounds: [[String]]
        }

        enum CodingKeys: String, CodingKey {
            case single, ttft
            case maxTokens = "max_tokens"
            case ttftMaxTokens = "ttft_max_tokens"
            case concurrent
            case singleWarmup = "single_warmup"
            case ttftWarmup = "ttft_warmup"
        }
    }

    struct Run: Encodable {
        let promptTokens: Int
        let completionTokens: Int
        let ttftMilliseconds: Double
        let decodeTokensPerSecond: Double?

        enum CodingKeys: String, CodingKey {
            case promptTokens = "prompt_tokens"
            case completionTokens = "completion_tokens"
            case ttftMilliseconds = "ttft_ms"
            case decodeTokensPerSecond = "decode_tokens_per_second"
        }
    }

    func run() async throws {
        let plan = try JSONDecoder().decode(Plan.self, from: Data(contentsOf: URL(fileURLWithPath: prompts)))
        let directory = URL(fileURLWithPath: modelDirectory)
        let started = ContinuousClock.now
        let runtime = try OrtRuntime.load(explicitPath: nil)
        let tokenizer = try OrtxTokenizer(library: try OrtxLibrary.load(), directory: directory.path)
        let model = try DecoderModel(directory: directory, runtime: runtime,
                                     configuration: SessionConfiguration(intraOpThreads: threads, providers: [.cpu]))
        let budget = kvCacheTokens ?? self.rows * min(model.config.contextLength, KVLayout.defaultRowTokens)
        let (rows, rowLength) = KVLayout.plan(tokens: budget, context: model.config.contextLength,
                                              maxRows: self.rows)
        let engine = try DecodeEngine(
            name: "bench", model: model, rows: rows, rowLength: rowLength, maxQueued: 64,
            eos: model.config.eosTokenIDs, metrics: EngineMetrics(model: "bench", provider: "cpu"),
            detokenizer: .init(makeStream: { try tokenizer.makeTokenStream() },
                               tokenText: { (try? tokenizer.decode([$0])) ?? "" }))
        defer { engine.shutdown() }
        let load = ContinuousClock.now - started
        func render(_ prompt: String) throws -> [Int32] {
            let messages = try JSONSerialization.data(withJSONObject: [["role": "user", "content": prompt]])
            return try tokenizer.encode(try tokenizer.applyChatTemplate(
                messagesJSON: String(decoding: messages, as: UTF8.self), addGenerationPrompt: true))
        }
        func generate(_ prompt: String, maxTokens: Int) async throws -> Run {
            let ids = try render(prompt)
            let (stream, continuation) = AsyncThrowingStream<GenerationEvent, any Error>.makeStream()
            let start = ContinuousClock.now
            _ = try engine.submit(prompt: ids, parameters: GenerationParameters(maxTokens: maxTokens, temperature: 0),
                                  emit: { continuation.yield($0) }, stop: StopFlag()) { error in
                continuation.finish(throwing: error)
            }
            var times: [ContinuousClock.Instant] = []
            var completion = 0
            for try await event in stream {
                switch event {
                case .text:
                    times.append(.now)
                case .finished(_, let usage):
                    completion = usage.completionTokens
                }
            }
            let first = times.first ?? .now
            var rate: Double?
            if completion >= 2, let last = times.last, last > first {
                rate = Double(completion - 1) / (BenchLatencySummary.milliseconds(last - first) / 1000)
            }
            return Run(promptTokens: ids.count, completionTokens: completion,
                       ttftMilliseconds: BenchLatencySummary.milliseconds(first - start), decodeTokensPerSecond: rate)
        }
        let newTokens = maxTokens ?? plan.maxTokens
        _ = try await generate(plan.singleWarmup, maxTokens: 16)
        var single: [Run] = []
        for prompt in plan.single { single.append(try await generate(prompt, maxTokens: newTokens)) }
        _ = try await generate(plan.ttftWarmup, maxTokens: plan.ttftMaxTokens ?? 16)
        var prefill: [Run] = []
        for prompt in plan.ttft { prefill.append(try await generate(prompt, maxTokens: plan.ttftMaxTokens ?? 16)) }

        func median(_ values: [Double]) -> Double? {
            let sorted = values.sorted()
            guard !sorted.isEmpty else { return nil }
            return sorted.count % 2 == 1 ? sorted[sorted.count / 2]
                : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
        }
        // Concurrency: each round starts all its streams together; aggregate = its tokens / its wall time.
        var aggregates: [(Int, Double)] = []
        for level in concurrency.split(separator: ",").compactMap({ Int($0) }) {
            let rounds = plan.concurrent?.first { $0.concurrency == level }?.rounds
                ?? [Array(plan.single.prefix(level))]
            var rates: [Double] = []
            for round in rounds {
                let start = ContinuousClock.now
                let runs = try await withThrowingTaskGroup(of: Run.self) { group in
                    for prompt in round { group.addTask { try await generate(prompt, maxTokens: newTokens) } }
                    var runs: [Run] = []
                    for try await run in group { runs.append(run) }
                    return runs
                }
                let elapsed = ContinuousClock.now - start
                rates.append(Double(runs.reduce(0) { $0 + $1.completionTokens })
                                 / (BenchLatencySummary.milliseconds(elapsed) / 1000))
            }
            if let rate = median(rates) { aggregates.append((level, rate)) }
        }

        let decode = median(single.compactMap(\.decodeTokensPerSecond))
        let prefillMedian = median(prefill.map(\.ttftMilliseconds))
        print("engine alone: \(modelDirectory), \(threads) threads, \(rows) rows × \(rowLength) tokens, "
              + "load \(String(format: "%.2f", BenchLatencySummary.milliseconds(load) / 1000)) s")
        for run in single {
            print("  single: \(run.promptTokens) prompt + \(run.completionTokens) new tokens, first token "
                  + String(format: "%.1f ms, decode %@ tok/s", run.ttftMilliseconds,
                           run.decodeTokensPerSecond.map { String(format: "%.1f", $0) } ?? "-"))
        }
        if let decode { print(String(format: "  single decode median %.1f tok/s", decode)) }
        if let prefillMedian {
            print("  prefill of \(prefill.map(\.promptTokens)) prompt tokens: median "
                  + String(format: "%.1f ms", prefillMedian))
        }
        for (level, rate) in aggregates {
            print(String(format: "  concurrent %d: aggregate %.1f tok/s (median of rounds)", level, rate))
        }
        if let jsonOut {
            struct Level: Encodable {
                let concurrency: Int
                let aggregateTokensPerSecond: Double

                enum CodingKeys: String, CodingKey {
                    case concurrency
                    case aggregateTokensPerSecond = "aggregate_tokens_per_second"
                }
            }
            struct Report: Encodable {
                let benchmark = "chat-engine-baseline"
                let threads: Int
                let single: [Run]
                let prefill: [Run]
                let concurrent: [Level]
                let singleDecodeMedian: Double?
                let prefillMedianMilliseconds: Double?

                enum CodingKeys: String, CodingKey {
                    case benchmark, threads, single, prefill, concurrent
                    case singleDecodeMedian = "single_decode_tokens_per_second_median"
                    case prefillMedianMilliseconds = "prefill_ms_median"
                }
            }
            let data = try JSONEncoder().encode(Report(
                threads: threads, single: single, prefill: prefill,
                concurrent: aggregates.map { Level(concurrency: $0.0, aggregateTokensPerSecond: $0.1) },
                singleDecodeMedian: decode, prefillMedianMilliseconds: prefillMedian))
            try data.write(to: URL(fileURLWithPath: jsonOut))
        }
    }
}
