/// A failure of the serving core, as an opaque value with a stable code (the shape of swift-service-lifecycle's
/// `ServiceRunnerError`). The core knows no HTTP status and no wire-format field names: the server maps each code
/// to a status and an envelope in one place.
public struct ServingError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The stable codes; new ones are only added.
    public enum Code: String, Sendable, Equatable, CaseIterable {
        /// No model with the id asked for.
        case modelNotFound = "model_not_found"
        /// The model exists but is of the other kind (chat vs. embedding).
        case wrongModelKind = "model_not_supported"
        /// The prompt plus the tokens asked for do not fit the model's context.
        case contextLengthExceeded = "context_length_exceeded"
        /// The model's chat template could not render the conversation.
        case chatTemplateFailed = "chat_template_error"
        /// An input the model cannot take (for example a token id outside its vocabulary).
        case invalidInput = "invalid_input"
        /// Every slot is busy and the queue is full.
        case queueFull = "queue_full"
        /// ONNX Runtime or onnxruntime-genai is not loaded.
        case runtimeUnavailable = "runtime_unavailable"
        /// The model could not be loaded (or is being loaded after a failure).
        case modelLoadFailed = "model_load_failed"
        /// The server is shutting down and takes no new work.
        case shuttingDown = "shutting_down"
        /// The consumer of a stream fell too far behind.
        case consumerTooSlow = "consumer_too_slow"
        /// The request ran past its time limit.
        case timedOut = "timeout"
        /// A failure inside the engine that no input explains.
        case engineFailure = "engine_failure"
        /// The model cannot be unloaded now: requests are using it, or it is loading.
        case modelInUse = "model_in_use"
        /// The model does not fit the memory budget, even after unloading every idle model.
        case insufficientMemory = "insufficient_memory"
        /// A grammar for the output (a JSON schema, regex or Lark grammar) that cannot be compiled or uses
        /// something unsupported; the message is the grammar compiler's.
        case invalidGrammar = "invalid_grammar"
        /// The response store (the embedded database behind `store: true`) could not be opened, read or written.
        case storageFailed = "storage_failed"
    }

    public let code: Code
    /// A human-readable explanation, safe to show to a client.
    public let message: String
    /// When a retry can succeed, after how many seconds (reported as `Retry-After`); nil: the edge's default; 0: a
    /// retry will not help (no `Retry-After`).
    public let retryAfterSeconds: Int?

    public init(_ code: Code, _ message: String, retryAfterSeconds: Int? = nil) {
        self.code = code
        self.message = message
        self.retryAfterSeconds = retryAfterSeconds
    }

    public var description: String { "\(code.rawValue): \(message)" }

    public static func modelNotFound(_ id: String) -> ServingError {
        ServingError(.modelNotFound, "The model '\(id)' does not exist")
    }

    public static func unavailable(_ message: String) -> ServingError {
        ServingError(.modelLoadFailed, message)
    }
}
