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
        Key(file: "data_dir", environment: "AIGW_DATA_DIR", flag: "--data-dir",
            help: "folder for the gateway's data: stored responses in responses.sqlite (data)"),
        Key(file: "responses_max_age", environment: "AIGW_RESPONSES_MAX_AGE", flag: "--responses-max-age",
            help: "seconds a stored response is kept, 0 = for ever (2592000, 30 days)"),
        Key(file: "onnxruntime_library", environment: "AIGW_ORT_LIBRARY", flag: "--ort-library",
            help: "path of libonnxruntime.so (.runtime/lib/libonnxruntime.so)"),
        Key(file: "genai_library", environment: "AIGW_GENAI_LIBRARY", flag: "--genai-library",
            help: "path of libonnxruntime-genai.so (.runtime/lib/libonnxruntime-genai.so)"),
        Key(file: "providers", environment: "AIGW_PROVIDERS", flag: "--providers",
            help: "execution-provider preference, comma separated (qnn,dml,cuda,openvino,coreml,cpu)"),
        Key(file: "provider_policy", environment: "AIGW_PROVIDER_POLICY", flag: "--provider-policy",
            help: "ONNX Runtime's selection policy instead of the list: prefer_npu, prefer_gpu, prefer_cpu, "
                + "max_performance, max_efficiency, min_overall_power (none)"),
        Key(file: "provider_options", environment: "AIGW_PROVIDER_OPTIONS", flag: "--provider-option",
            help: "options per provider, PROVIDER.KEY=VALUE separated by ';' (flag repeatable; none)"),
        Key(file: "execution_provider_libraries", environment: "AIGW_EXECUTION_PROVIDER_LIBRARIES",
            flag: "--execution-provider-library",
            help: "plugin execution-provider libraries to register, NAME=PATH, comma separated (flag repeatable)"),
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
        Key(file: "preload", environment: "AIGW_PRELOAD", flag: "--preload",
            help: "models loaded at start, comma separated ids or aliases, * for all (none: load on first use)"),
        Key(file: "memory_budget", environment: "AIGW_MEMORY_BUDGET", flag: "--memory-budget",
            help: "memory loaded models may take: bytes, a size such as 8GiB, or a percent of RAM (80%)"),
        Key(file: "keep_alive", environment: "AIGW_KEEP_ALIVE", flag: "--keep-alive",
            help: "how long an idle model stays loaded: seconds, a duration such as 5m, -1 = for ever (5m)"),
        Key(file: "log_level", environment: "AIGW_LOG_LEVEL", flag: "--log-level",
            help: "trace, debug, info, notice, warning, error or critical (info)"),
        Key(file: "log_format", environment: "AIGW_LOG_FORMAT", flag: "--log-format",
            help: "text or json (text)"),
        Key(file: "log_bodies", environment: "AIGW_LOG_BODIES", flag: "--log-bodies",
            help: "log prompts and generated text (false)"),
        Key(file: "max_queued_embedding_inputs", environment: "AIGW_MAX_QUEUED_EMBEDDING_INPUTS",
            flag: "--max-queued-embedding-inputs", help: "embedding texts waiting per model before 429 (8192)"),
        Key(file: "stream_buffer_events", environment: "AIGW_STREAM_BUFFER_EVENTS", flag: "--stream-buffer-events",
            help: "events held for a client that does not read before its generation stops (1024)"),
        Key(file: "max_inputs_per_request", environment: "AIGW_MAX_INPUTS_PER_REQUEST",
            flag: "--max-inputs-per-request", help: "most embedding texts, prompts or chat messages per request (2048)"),
        Key(file: "max_tokens_limit", environment: "AIGW_MAX_TOKENS_LIMIT", flag: "--max-tokens-limit",
            help: "largest max_tokens, and the default; 0 = the model's context length (0)"),
        Key(file: "request_timeout_seconds", environment: "AIGW_REQUEST_TIMEOUT_SECONDS",
            flag: "--request-timeout-seconds", help: "longest a request may take, 0 = no limit (600)"),
        Key(file: "sse_keepalive_seconds", environment: "AIGW_SSE_KEEPALIVE_SECONDS", flag: "--sse-keepalive-seconds",
            help: "SSE comment interval on idle streams, 0 = never (15)"),
        Key(file: "shutdown_grace_seconds", environment: "AIGW_SHUTDOWN_GRACE_SECONDS",
            flag: "--shutdown-grace-seconds", help: "how long in-flight requests may finish after SIGTERM (30)"),
        Key(file: "api_keys", environment: "AIGW_API_KEYS", flag: "--api-key",
            help: "API keys clients must send, comma separated (none: no authentication)"),
        Key(file: "api_key_file", environment: "AIGW_API_KEY_FILE", flag: "--api-key-file",
            help: "file with one API key per line, added to api_keys"),
        Key(file: "health_requires_auth", environment: "AIGW_HEALTH_REQUIRES_AUTH", flag: "--health-requires-auth",
            help: "require an API key on /health too (false)"),
        Key(file: "cors_allowed_origins", environment: "AIGW_CORS_ALLOWED_ORIGINS", flag: "--cors-allowed-origins",
            help: "origins allowed by CORS, comma separated, * for any (none: CORS off)"),
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
            case let map as [String: Any] where key == "execution_provider_libraries":
                return (key, map.sorted(by: { $0.key < $1.key }).map { "\($0.key)=\($0.value)" }.joined(separator: ","))
            case let map as [String: Any] where key == "provider_options":
                // {provider: {key: value}} becomes the flat form the environment and flags use.
                var items: [String] = []
                for (provider, options) in map.sorted(by: { $0.key < $1.key }) {
                    guard let options = options as? [String: Any] else {
                        throw ConfigurationError("config file \(path): 'provider_options.\(provider)' must be a mapping")
                    }
                    for (name, value) in options.sorted(by: { $0.key < $1.key }) {
                        guard !(value is [Any]), !(value is [String: Any]), !(value is NSNull) else {
                            throw ConfigurationError(
                                "config file \(path): 'provider_options.\(provider).\(name)' must be a scalar")
                        }
                        let text = (value as? Bool).map { $0 ? "True" : "False" } ?? "\(value)"
                        items.append("\(provider).\(name)=\(text)")
                    }
                }
                return (key, items.joined(separator: ";"))
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
        func number(in range: ClosedRange<Double>) throws -> Double {
            guard let number = Double(value.trimmingCharacters(in: .whitespaces)), range.contains(number) else {
                throw ConfigurationError("\(source): '\(key)' must be a number in \(range), got '\(value)'")
            }
            return number
        }
        func list() -> [String] {
            value.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
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
        case "data_dir":
            guard !value.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw ConfigurationError("\(source): 'data_dir' must name a folder, got '\(value)'")
            }
            configuration.dataDirectory = value
        case "responses_max_age": configuration.responsesMaxAgeSeconds = try integer(in: 0...3_153_600_000)
        case "onnxruntime_library": configuration.onnxRuntimeLibrary = path()
        case "genai_library": configuration.genAILibrary = path()
        case "providers": configuration.providers = try providers(value, source: source)
        case "provider_options": configuration.providerOptions = try providerOptions(value, source: source)
        case "provider_policy":
            let name = value.trimmingCharacters(in: .whitespaces).lowercased()
            if name.isEmpty || name == "none" {
                configuration.providerPolicy = nil
            } else if let policy = ProviderPolicy(rawValue: name) {
                configuration.providerPolicy = policy
            } else {
                throw ConfigurationError(
                    "\(source): 'provider_policy' must be one of "
                        + ProviderPolicy.allCases.map(\.rawValue).joined(separator: ", ") + " (or none), got '\(value)'")
            }
        case "execution_provider_libraries":
            configuration.executionProviderLibraries = try list().map { item in
                let parts = item.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                    throw ConfigurationError(
                        "\(source): 'execution_provider_libraries' must be NAME=PATH items, got '\(item)'")
                }
                return ProviderLibrary(name: parts[0], path: parts[1])
            }
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
        case "preload":
            let names = list()
            if let bad = names.first(where: { $0 != "*" && !ModelCatalog.isValidName($0) }) {
                throw ConfigurationError("\(source): 'preload' has '\(bad)', which is not a model id or alias")
            }
            configuration.preload = names
        case "memory_budget":
            guard let budget = MemoryBudget.parse(value) else {
                throw ConfigurationError(
                    "\(source): 'memory_budget' must be bytes (at least 1 MiB), a size such as 8GiB or 512MiB, or a "
                        + "percent of physical memory such as 80%, got '\(value)'")
            }
            configuration.memoryBudget = budget
        case "keep_alive":
            guard let keepAlive = KeepAlive.parse(value) else {
                throw ConfigurationError(
                    "\(source): 'keep_alive' must be seconds, a duration such as 5m or 1h30m, -1 (for ever) or 0 "
                        + "(unload when idle), got '\(value)'")
            }
            configuration.keepAlive = keepAlive
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
        case "log_format":
            guard ["text", "json"].contains(value.lowercased()) else {
                throw ConfigurationError("\(source): 'log_format' must be text or json, got '\(value)'")
            }
            configuration.logFormat = value.lowercased()
        case "log_bodies": configuration.logBodies = try boolean()
        case "max_queued_embedding_inputs": configuration.maxQueuedEmbeddingInputs = try integer(in: 1...10_000_000)
        case "stream_buffer_events": configuration.streamBufferEvents = try integer(in: 1...1_000_000)
        case "max_inputs_per_request": configuration.maxInputsPerRequest = try integer(in: 1...1_000_000)
        case "max_tokens_limit": configuration.maxTokensLimit = try integer(in: 0...10_000_000)
        case "request_timeout_seconds": configuration.requestTimeoutSeconds = try number(in: 0...86_400)
        case "sse_keepalive_seconds": configuration.sseKeepAliveSeconds = try number(in: 0...3600)
        case "shutdown_grace_seconds": configuration.shutdownGraceSeconds = try number(in: 0...3600)
        case "api_keys":
            configuration.apiKeys += list().filter { !configuration.apiKeys.contains($0) }
        case "api_key_file":
            guard let text = try? String(contentsOfFile: value, encoding: .utf8) else {
                throw ConfigurationError("\(source): 'api_key_file' names a file that cannot be read: '\(value)'")
            }
            let keys = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
                .filter { !$0.isEmpty && !$0.hasPrefix("#") }
            guard !keys.isEmpty else { throw ConfigurationError("\(source): 'api_key_file' names a file with no key: '\(value)'") }
            configuration.apiKeys += keys.filter { !configuration.apiKeys.contains($0) }
        case "health_requires_auth": configuration.healthRequiresAuth = try boolean()
        case "cors_allowed_origins": configuration.corsAllowedOrigins = list()
        default:
            let known = keys.map(\.file).joined(separator: ", ")
            throw ConfigurationError("\(source): unknown key '\(key)' (known keys: \(known))")
        }
    }

    /// `openvino.device_type=NPU;cuda.device_id=1`: options per provider. The CPU provider takes none.
    static func providerOptions(_ value: String, source: String) throws -> [ExecutionProviderKind: [String: String]] {
        var result: [ExecutionProviderKind: [String: String]] = [:]
        let items = value.split(whereSeparator: { $0 == ";" || $0 == "\n" })
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        for item in items {
            let parts = item.split(separator: "=", maxSplits: 1).map(String.init)
            let path = parts.first?.split(separator: ".", maxSplits: 1).map(String.init) ?? []
            guard parts.count == 2, path.count == 2, !path[1].isEmpty, !parts[1].isEmpty,
                  let kind = ExecutionProviderKind(name: path[0])
            else {
                throw ConfigurationError(
                    "\(source): 'provider_options' must be PROVIDER.KEY=VALUE items separated by ';' with a known "
                        + "provider, got '\(item)'")
            }
            guard kind != .cpu else {
                throw ConfigurationError("\(source): 'provider_options': the cpu provider takes no options")
            }
            result[kind, default: [:]][path[1]] = parts[1]
        }
        return result
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
