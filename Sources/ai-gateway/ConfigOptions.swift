import ArgumentParser
import GatewayCore
import GatewayServer

/// The options every subcommand shares: a config file and a flag per configuration key.
struct ConfigOptions: ParsableArguments {
    @Option(name: .long, help: "YAML config file (else $AIGW_CONFIG).")
    var config: String?

    @Option(name: .long, help: "Address to bind (127.0.0.1).")
    var host: String?

    @Option(name: .long, help: "Port to bind (8000).")
    var port: Int?

    @Option(name: .customLong("models-dir"), help: "Folder with one sub-folder per model (models).")
    var modelsDir: String?

    @Option(name: .customLong("data-dir"), help: "Folder for the gateway's data: stored responses (data).")
    var dataDir: String?

    @Option(name: .customLong("responses-max-age"),
            help: "Seconds a stored response is kept, 0 = for ever (2592000, 30 days).")
    var responsesMaxAge: Int?

    @Option(name: .customLong("ort-library"), help: "Path of libonnxruntime.so (.runtime/lib/libonnxruntime.so).")
    var ortLibrary: String?

    @Option(name: .customLong("genai-library"), help: "Path of libonnxruntime-genai.so.")
    var genaiLibrary: String?

    @Option(name: .long, help: "Execution providers in order of preference, e.g. cuda,cpu.")
    var providers: String?

    @Option(name: .customLong("provider-policy"),
            help: "ONNX Runtime's selection policy instead of the provider list, e.g. prefer_npu (1.24+).")
    var providerPolicy: String?

    @Option(name: .customLong("provider-option"),
            help: "An execution-provider option, PROVIDER.KEY=VALUE, e.g. openvino.device_type=NPU (repeatable).")
    var providerOptions: [String] = []

    @Option(name: .customLong("execution-provider-library"),
            help: "A plugin execution-provider library to register, NAME=PATH (repeatable).")
    var executionProviderLibraries: [String] = []

    @Option(name: .customLong("max-body-bytes"), help: "Largest request body in bytes (16777216).")
    var maxBodyBytes: Int?

    @Option(name: .customLong("intra-op-threads"), help: "ONNX Runtime threads per operator (0 = its choice).")
    var intraOpThreads: Int?

    @Option(name: .customLong("graph-optimization"), help: "disabled, basic, extended or all.")
    var graphOptimization: String?

    @Option(name: .customLong("embedding-batch-size"), help: "Texts per embedding model run (32).")
    var embeddingBatchSize: Int?

    @Option(name: .customLong("embedding-batch-tokens"), help: "Most padded tokens in one embedding run (1024).")
    var embeddingBatchTokens: Int?

    @Option(name: .customLong("embedding-batch-wait-ms"), help: "How long a queued text waits for company, ms (2).")
    var embeddingBatchWaitMs: Double?

    @Option(name: .customLong("embedding-truncate"), help: "Cut over-long embedding inputs: true or false (false).")
    var embeddingTruncate: Bool?

    @Option(name: .customLong("max-parallel-generations"), help: "Batched chat waves running at once per model (2).")
    var maxParallelGenerations: Int?

    @Option(name: .customLong("max-batch-size"), help: "Chat requests decoded together in one wave (8).")
    var maxBatchSize: Int?

    @Option(name: .customLong("batch-window-ms"), help: "How long a chat request waits for company, ms (10).")
    var batchWindowMs: Double?

    @Option(name: .customLong("max-queued-generations"), help: "Chat generations waiting before a 429 (64).")
    var maxQueuedGenerations: Int?

    @Option(name: .long, help: "Models loaded at start: ids or aliases, comma separated, * for all (none).")
    var preload: String?

    @Option(name: .customLong("memory-budget"), help: "Memory for loaded models: bytes, 8GiB, or a percent (80%).")
    var memoryBudget: String?

    @Option(name: .customLong("keep-alive"), help: "How long an idle model stays loaded: 300, 5m, -1 = for ever (5m).")
    var keepAlive: String?

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error, critical.")
    var logLevel: String?

    @Option(name: .customLong("log-format"), help: "text or json (text).")
    var logFormat: String?

    @Option(name: .customLong("log-bodies"), help: "Log prompts and generated text: true or false (false).")
    var logBodies: Bool?

    @Option(name: .customLong("max-queued-embedding-inputs"), help: "Embedding texts waiting per model before 429.")
    var maxQueuedEmbeddingInputs: Int?

    @Option(name: .customLong("stream-buffer-events"), help: "Events held for a non-reading client (1024).")
    var streamBufferEvents: Int?

    @Option(name: .customLong("max-inputs-per-request"), help: "Most texts, prompts or messages per request (2048).")
    var maxInputsPerRequest: Int?

    @Option(name: .customLong("max-tokens-limit"), help: "Largest max_tokens and the default; 0 = context length.")
    var maxTokensLimit: Int?

    @Option(name: .customLong("request-timeout-seconds"), help: "Longest a request may take, 0 = no limit (600).")
    var requestTimeoutSeconds: Double?

    @Option(name: .customLong("sse-keepalive-seconds"), help: "SSE comment interval on idle streams (15).")
    var sseKeepaliveSeconds: Double?

    @Option(name: .customLong("shutdown-grace-seconds"), help: "In-flight time after SIGTERM (30).")
    var shutdownGraceSeconds: Double?

    @Option(name: .customLong("api-key"), help: "API key clients must send (repeatable, or comma separated).")
    var apiKeys: [String] = []

    @Option(name: .customLong("api-key-file"), help: "File with one API key per line.")
    var apiKeyFile: String?

    @Option(name: .customLong("health-requires-auth"), help: "Require a key on /health too: true or false.")
    var healthRequiresAuth: Bool?

    @Option(name: .customLong("cors-allowed-origins"), help: "Origins allowed by CORS, comma separated, * for any.")
    var corsAllowedOrigins: String?

    /// The configuration: defaults < config file < AIGW_* environment < these flags.
    func load() throws -> GatewayConfiguration {
        var flags: [String: String] = [:]
        flags["host"] = host
        flags["port"] = port.map(String.init)
        flags["models_dir"] = modelsDir
        flags["data_dir"] = dataDir
        flags["responses_max_age"] = responsesMaxAge.map(String.init)
        flags["onnxruntime_library"] = ortLibrary
        flags["genai_library"] = genaiLibrary
        flags["providers"] = providers
        flags["provider_options"] = providerOptions.isEmpty ? nil : providerOptions.joined(separator: ";")
        flags["provider_policy"] = providerPolicy
        flags["execution_provider_libraries"] = executionProviderLibraries.isEmpty
            ? nil : executionProviderLibraries.joined(separator: ",")
        flags["max_body_bytes"] = maxBodyBytes.map(String.init)
        flags["intra_op_threads"] = intraOpThreads.map(String.init)
        flags["graph_optimization"] = graphOptimization
        flags["embedding_batch_size"] = embeddingBatchSize.map(String.init)
        flags["embedding_batch_tokens"] = embeddingBatchTokens.map(String.init)
        flags["embedding_batch_wait_ms"] = embeddingBatchWaitMs.map { String($0) }
        flags["embedding_truncate"] = embeddingTruncate.map { String($0) }
        flags["preload"] = preload
        flags["memory_budget"] = memoryBudget
        flags["keep_alive"] = keepAlive
        flags["max_parallel_generations"] = maxParallelGenerations.map(String.init)
        flags["max_batch_size"] = maxBatchSize.map(String.init)
        flags["batch_window_ms"] = batchWindowMs.map { String($0) }
        flags["max_queued_generations"] = maxQueuedGenerations.map(String.init)
        flags["log_level"] = logLevel
        flags["log_format"] = logFormat
        flags["log_bodies"] = logBodies.map { String($0) }
        flags["max_queued_embedding_inputs"] = maxQueuedEmbeddingInputs.map(String.init)
        flags["stream_buffer_events"] = streamBufferEvents.map(String.init)
        flags["max_inputs_per_request"] = maxInputsPerRequest.map(String.init)
        flags["max_tokens_limit"] = maxTokensLimit.map(String.init)
        flags["request_timeout_seconds"] = requestTimeoutSeconds.map { String($0) }
        flags["sse_keepalive_seconds"] = sseKeepaliveSeconds.map { String($0) }
        flags["shutdown_grace_seconds"] = shutdownGraceSeconds.map { String($0) }
        flags["api_keys"] = apiKeys.isEmpty ? nil : apiKeys.joined(separator: ",")
        flags["api_key_file"] = apiKeyFile
        flags["health_requires_auth"] = healthRequiresAuth.map { String($0) }
        flags["cors_allowed_origins"] = corsAllowedOrigins
        do {
            return try ConfigurationLoader.load(configFile: config, flags: flags)
        } catch let error as ConfigurationError {
            throw CommandFailure(error.description)
        }
    }
}
