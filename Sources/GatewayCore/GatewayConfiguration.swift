import ONNXRuntime

/// Every setting of the gateway, with its default. Built by `ConfigurationLoader` from, in rising precedence,
/// the defaults, a config file, `AIGW_*` environment variables and command-line flags.
public struct GatewayConfiguration: Sendable, Equatable {
    /// Address to bind.
    public var host: String = "127.0.0.1"
    public var port: Int = 8000
    /// Folder holding one sub-folder per model.
    public var modelsDirectory: String = "models"
    /// Folder for the gateway's own data: the response store `responses.sqlite` (stored Responses API responses).
    public var dataDirectory: String = "data"
    /// How long a stored response is kept, in seconds (30 days, as OpenAI keeps them); 0: for ever.
    public var responsesMaxAgeSeconds: Int = 2_592_000
    /// Explicit path of `libonnxruntime.so`; nil: look in `.runtime/lib/`.
    public var onnxRuntimeLibrary: String?
    /// Explicit path of `libonnxruntime-genai.so`; nil: look in `.runtime/lib/`.
    public var genAILibrary: String?
    /// Ordered execution-provider preference for every model (a model folder may override it).
    public var providers: [ExecutionProviderKind] = ExecutionProviderKind.defaultPreference
    /// Options per execution provider for every model (a model's `ai-gateway.yaml` may override single keys), e.g.
    /// `[.openvino: ["device_type": "NPU"]]`.
    public var providerOptions: [ExecutionProviderKind: [String: String]] = [:]
    /// ONNX Runtime's selection policy, tried before `providers` for the sessions the gateway creates (embeddings and
    /// the decode engine); nil: the ordered list alone.
    public var providerPolicy: ProviderPolicy?
    /// Plugin execution-provider libraries to register with ONNX Runtime at start (name, path), e.g. the
    /// `onnxruntime-qnn` wheel's; they then take part in device discovery.
    public var executionProviderLibraries: [ProviderLibrary] = []
    /// Largest request body accepted, in bytes.
    public var maxBodyBytes: Int = 16 * 1024 * 1024
    /// Threads ONNX Runtime uses inside one operator; 0 lets ONNX Runtime choose.
    public var intraOpThreads: Int = 0
    /// ONNX Runtime graph optimisation level.
    public var graphOptimization: GraphOptimizationLevel = .all
    /// Texts per embedding model run.
    public var embeddingBatchSize: Int = 32
    /// Most padded tokens (texts × longest text) in one embedding model run: long texts run in small batches.
    public var embeddingBatchTokens: Int = 1024
    /// How long the first queued text waits for others to share its batch, in milliseconds.
    public var embeddingBatchWaitMilliseconds: Double = 2
    /// Whether embedding inputs over the model's limit are cut (true) or refused with a 400 (false); a request's
    /// `truncate` field overrides it.
    public var embeddingTruncate: Bool = false
    /// Waves (batched generators, each on its own thread) that run at once per chat model.
    public var maxParallelGenerations: Int = 2
    /// Requests decoded together in one wave (one onnxruntime-genai generator with this batch size).
    public var maxBatchSize: Int = 8
    /// How long the first waiting request waits for others to join its wave, in milliseconds.
    public var batchWindowMilliseconds: Double = 10
    /// Generations that may wait for a slot; beyond that a request gets 429 with Retry-After.
    public var maxQueuedGenerations: Int = 64
    /// Models (ids or aliases; `*` for all) loaded at start; the others load on first use.
    public var preload: [String] = []
    /// How much memory loaded models may take; idle ones are unloaded (least recently used first) to make room.
    public var memoryBudget: MemoryBudget = .standard
    /// How long a model stays loaded after its last request, unless its settings or a request say otherwise.
    public var keepAlive: KeepAlive = .standard
    /// swift-log level name: trace, debug, info, notice, warning, error, critical.
    public var logLevel: String = "info"
    /// `text` (one human-readable line per event) or `json` (one JSON object per line).
    public var logFormat: String = "text"
    /// Whether request bodies (prompts) and generated text may be logged; off by default.
    public var logBodies: Bool = false
    /// Embedding texts that may wait at once per model; beyond it 429 with Retry-After.
    public var maxQueuedEmbeddingInputs: Int = 8192
    /// Events a stream holds for a client that does not read; beyond it the generation stops.
    public var streamBufferEvents: Int = 1024
    /// Most inputs in one request: embedding texts, completion prompts, chat messages.
    public var maxInputsPerRequest: Int = 2048
    /// Largest `max_tokens` accepted, and the budget of a request that sets none; 0: the model's context length.
    public var maxTokensLimit: Int = 0
    /// Longest a request may take, reading its body and generating included (0: no limit).
    public var requestTimeoutSeconds: Double = 600
    /// How often an idle stream gets an SSE comment so that proxies and clients keep it open (0: never).
    public var sseKeepAliveSeconds: Double = 15
    /// How long SIGTERM/SIGINT lets in-flight requests finish before their generations are stopped.
    public var shutdownGraceSeconds: Double = 30
    /// Keys a client must present (`Authorization: Bearer KEY` or `x-api-key: KEY`); empty: no authentication.
    public var apiKeys: [String] = []
    /// Whether `/health` needs a key too (when keys are set).
    public var healthRequiresAuth: Bool = false
    /// Origins allowed by CORS (`*` for any); empty: CORS off.
    public var corsAllowedOrigins: [String] = []

    public init() {}
}

/// A plugin execution-provider library: the name it is registered under and its path.
public struct ProviderLibrary: Sendable, Equatable {
    public var name: String
    public var path: String

    public init(name: String, path: String) {
        self.name = name
        self.path = path
    }
}
