import Foundation
import GatewayCore
import ONNXRuntime
import Yams

/// Builds a `GatewayConfiguration` from a YAML config file, `AIGW_*` environment variables and command-line
/// flags, each overriding the one before. Every key is one of `ConfigurationLoader.keys`; an unknown key or a
/// bad value is an error naming where it came from.
public enum ConfigurationLoader {
    /// A configuration key: its name in the file, its environment variable and its command-line flag.
    public struct Key: Sendable {
        public let file: String
        public let environment: String
        public let flag: String
        public let help: String
    }

    public static let keys: [Key] = [
        Key(file: "host", environment: "AIGW_HOST", flag: "--host", help: "address to bind (127.0.0.1)"),
        Key(file: "port", environment: "AIGW_PORT", flag: "--port", help: "port to bind (8000)"),
        Key(file: "models_dir", environment: "AIGW_MODELS_DIR", flag: "--models-dir",
            help: "folder with one sub-folder per model (models)"),
        Key(file: "onnxruntime_library", environment: "AIGW_ORT_LIBRARY", flag: "--ort-library",
            help: "path of libonnxruntime.so (.runtime/lib/libonnxruntime.so)"),
        Key(file: "genai_library", environment: "AIGW_GENAI_LIBRARY", flag: "--genai-library",
            help: "path of libonnxruntime-genai.so (.runtime/lib/libonnxruntime-genai.so)"),
        Key(file: "providers", environment: "AIGW_PROVIDERS", flag: "--providers",
            help: "execution-provider preference, comma separated (qnn,dml,cuda,openvino,coreml,cpu)"),
        Key(file: "max_body_bytes", environment: "AIGW_MAX_BODY_BYTES", flag: "--max-body-bytes",
            help: "largest request body in bytes (16777216)"),
        Key(file: "intra_op_threads", environment: "AIGW_INTRA_OP_THREADS", flag: "--intra-op-threads",
            help: "ONNX Runtime threads per operator, 0 = ONNX Runtime's choice (0)"),
        Key(file: "graph_optimization", environment: "AIGW_GRAPH_OPTIMIZATION", flag: "--graph-optimization",
            help: "disabled, basic, extended or all (all)"),
        Key(file: "embedding_batch_size", environment: "AIGW_EMBEDDING_BATCH_SIZE", flag: "--embedding-batch-size",
            help: "texts per embedding model run (32)"),
        Key(file: "embedding_batch_tokens", environment: "AIGW_EMBEDDING_BATCH_TOKENS",
            flag: "--embedding-batch-tokens", help: "most padded tokens in one embedding model run (1024)"),
        Key(file: "embedding_batch_wait_ms", environment: "AIGW_EMBEDDING_BATCH_WAIT_MS",
            flag: "--embedding-batch-wait-ms", help: "how long a queued text waits for batch company, ms (2)"),
        Key(file: "embedding_truncate", environment: "AIGW_EMBEDDING_TRUNCATE", flag: "--embedding-truncate",
            help: "cut over-long embedding inputs instead of refusing them (false)"),
        Key(file: "max_parallel_generations", environment: "AIGW_MAX_PARALLEL_GENERATIONS",
            flag: "--max-parallel-generations", help: "batched chat waves running at once per model (2)"),
        Key(file: "max_batch_size", environment: "AIGW_MAX_BATCH_SIZE", flag: "--max-batch-size",
            help: "chat requests decoded together in one wave (8)"),
        Key(file: "batch_window_ms", environment: "AIGW_BATCH_WINDOW_MS", flag: "--batch-window-ms",
            help: "how long a chat request waits for others to join its wave, ms (10)"),
        Key(file: "max_queued_generations", environment: "AIGW_MAX_QUEUED_GENERATIONS",
            flag: "--max-queued-generations", help: "chat generations waiting for a slot before 429 (64)"),
        Key(file: "preload_models", environment: "AIGW_PRELOAD_MODELS", flag: "--preload-models",
            help: "load embedding models at start rather than on first use (true)"),
        Key(file: "log_level", environment: "AIGW_LOG_LEVEL", flag: "--log-level",
            help: "trace, debug, info, notice, warning, error or critical (info)"),
    ]

    /// The environment variable naming the config file when no `--config` flag is given.
    public static let configFileEnvironment = "AIGW_CONFIG"

    /// Loads the configuration.
    /// - Parameters:
    ///   - configFile: path of a YAML file, or nil to use `AIGW_CONFIG` if set.
    ///   - environment: the process environment (tests pass their own).
    ///   - flags: values given on the command line, keyed by file key (`models_dir`).
    public static func load(
        configFile: String? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        flags: [String: String] = [:]
    ) throws -> GatewayConfiguration {
        var configuration = GatewayConfiguration()
        if let path = configFile ?? environment[configFileEnvironment], !path.isEmpty {
            for (key, value) in try readFile(path) {
                try apply(key: key, value: value, source: "config file \(path)", to: &configuration)
            }
        }
        for key in keys {
            if let value = environment[key.environment] {
                try apply(key: key.file, value: value, source: "environment variable \(key.environment)",
                          to: &configuration)
            }
        }
        for (key, value) in flags.sorted(by: { $0.key < $1.key }) {
            let flag = keys.first { $0.file == key }?.flag ?? key
            try apply(key: key, value: value, source: "flag \(flag)", to: &configuration)
        }
        return configuration
    }

    /// Reads a YAML mapping of keys to scalars (or, for `providers`, a list) as strings.
    static func readFile(_ path: String) throws -> [(String, String)] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw ConfigurationError("cannot read config file \(path)")
        }
        let document: Any?
        do {
            document = try Yams.load(yaml: text)
        } catch {
            let reason = String(describing: error).split(separator: "\n").first.map(String.init) ?? "parse error"
            throw ConfigurationError("config file \(path) is not valid YAML: \(reason)")
        }
        guard let document else { return [] }
        guard let mapping = document as? [String: Any] else {
            throw ConfigurationError("config file \(path) must be a mapping of keys to values")
        }
        return try mapping.sorted(by: { $0.key < $1.key }).map { key, value in
            switch value {
            case let list as [Any]: return (key, list.map { "\($0)" }.joined(separator: ","))
            case is [String: Any]: throw ConfigurationError("config file \(path): '\(key)' must be a scalar")
            case is NSNull: throw ConfigurationError("config file \(path): '\(key)' has no value")
            default: return (key, "\(value)")
            }
        }
    }

    static func apply(key: String, value: String, source: String, to configuration: inout GatewayConfiguration)
        throws
    {
        func integer(in range: ClosedRange<Int>) throws -> Int {
            guard let number = Int(value.trimmingCharacters(in: .whitespaces)), range.contains(number) else {
                throw ConfigurationError("\(source): '\(key)' must be an integer in \(range), got '\(value)'")
            }
            return number
        }
        func path() -> String? { value.isEmpty ? nil : value }
        func boolean() throws -> Bool {
            switch value.lowercased() {
            case "true", "1", "yes", "on": return true
            case "false", "0", "no", "off": return false
            default: throw ConfigurationError("\(source): '\(key)' must be true or false, got '\(value)'")
            }
        }
        switch key {
        case "host":
            guard !value.isEmpty else { throw ConfigurationError("\(source): 'host' must not be empty") }
            configuration.host = value
        case "port": configuration.port = try integer(in: 0...65535)
        case "models_dir": configuration.modelsDirectory = value
        case "onnxruntime_library": configuration.onnxRuntimeLibrary = path()
        case "genai_library": configuration.genAILibrary = path()
        case "providers": configuration.providers = try providers(value, source: source)
        case "max_body_bytes": configuration.maxBodyBytes = try integer(in: 1024...(1 << 34))
        case "intra_op_threads": configuration.intraOpThreads = try integer(in: 0...1024)
        case "graph_optimization":
            guard let level = GraphOptimizationLevel(rawValue: value.lowercased()) else {
                let names = GraphOptimizationLevel.allCases.map(\.rawValue).joined(separator: ", ")
                throw ConfigurationError("\(source): 'graph_optimization' must be one of \(names), got '\(value)'")
            }
            configuration.graphOptimization = level
        case "embedding_batch_size": configuration.embeddingBatchSize = try integer(in: 1...1024)
        case "embedding_batch_tokens": configuration.embeddingBatchTokens = try integer(in: 1...1_048_576)
        case "embedding_batch_wait_ms":
            guard let number = Double(value.trimmingCharacters(in: .whitespaces)), (0...1000).contains(number) else {
                throw ConfigurationError("\(source): 'embedding_batch_wait_ms' must be a number in 0...1000, got '\(value)'")
            }
            configuration.embeddingBatchWaitMilliseconds = number
        case "embedding_truncate": configuration.embeddingTruncate = try boolean()
        case "preload_models": configuration.preloadModels = try boolean()
        case "max_parallel_generations": configuration.maxParallelGenerations = try integer(in: 1...256)
        case "max_batch_size": configuration.maxBatchSize = try integer(in: 1...256)
        case "batch_window_ms":
            guard let number = Double(value.trimmingCharacters(in: .whitespaces)), (0...10_000).contains(number) else {
                throw ConfigurationError("\(source): 'batch_window_ms' must be a number in 0...10000, got '\(value)'")
            }
            configuration.batchWindowMilliseconds = number
        case "max_queued_generations": configuration.maxQueuedGenerations = try integer(in: 0...100_000)
        case "log_level":
            let levels = ["trace", "debug", "info", "notice", "warning", "error", "critical"]
            guard levels.contains(value.lowercased()) else {
                throw ConfigurationError(
                    "\(source): 'log_level' must be one of \(levels.joined(separator: ", ")), got '\(value)'")
            }
            configuration.logLevel = value.lowercased()
        default:
            let known = keys.map(\.file).joined(separator: ", ")
            throw ConfigurationError("\(source): unknown key '\(key)' (known keys: \(known))")
        }
    }

    static func providers(_ value: String, source: String) throws -> [ExecutionProviderKind] {
        let names = value.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard !names.isEmpty else { throw ConfigurationError("\(source): 'providers' must name at least one provider") }
        var result: [ExecutionProviderKind] = []
        for name in names {
            guard let kind = ExecutionProviderKind(name: name) else {
                let known = ExecutionProviderKind.allCases.map(\.rawValue).joined(separator: ", ")
                throw ConfigurationError(
                    "\(source): 'providers' has unknown execution provider '\(name)' (known: \(known))")
            }
            if !result.contains(kind) { result.append(kind) }
        }
        return result
    }
}

/// A configuration problem, reported as one line before the server starts.
public struct ConfigurationError: Error, CustomStringConvertible, Equatable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
