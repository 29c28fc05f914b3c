import ONNXRuntime

/// Every setting of the gateway, with its default. Built by `ConfigurationLoader` from, in rising precedence,
/// the defaults, a config file, `AIGW_*` environment variables and command-line flags.
public struct GatewayConfiguration: Sendable, Equatable {
    /// Address to bind.
    public var host: String = "127.0.0.1"
    public var port: Int = 8000
    /// Folder holding one sub-folder per model.
    public var modelsDirectory: String = "models"
    /// Explicit path of `libonnxruntime.so`; nil: look in `.runtime/lib/`.
    public var onnxRuntimeLibrary: String?
    /// Explicit path of `libonnxruntime-genai.so`; nil: look in `.runtime/lib/`.
    public var genAILibrary: String?
    /// Ordered execution-provider preference for every model (a model folder may override it).
    public var providers: [ExecutionProviderKind] = ExecutionProviderKind.defaultPreference
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
    /// Load the embedding models at start instead of on first use.
    public var preloadModels: Bool = true
    /// swift-log level name: trace, debug, info, notice, warning, error, critical.
    public var logLevel: String = "info"

    public init() {}
}
