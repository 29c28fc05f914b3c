/// The outcome of the execution-provider fallback for one onnxruntime-genai model: the provider that loaded it
/// and why each provider ahead of it in the preference list was skipped.
public struct GenAIProviderSelection: Sendable, Equatable, CustomStringConvertible {
    /// A preferred provider that was not used, and the library's reason.
    public struct Skip: Sendable, Equatable {
        public let provider: String
        public let reason: String

        public init(provider: String, reason: String) {
            self.provider = provider
            self.reason = reason
        }
    }

    /// onnxruntime-genai's name of the provider that serves the model ("cpu", "cuda", ...).
    public let chosen: String
    public let skipped: [Skip]

    public init(chosen: String, skipped: [Skip]) {
        self.chosen = chosen
        self.skipped = skipped
    }

    /// e.g. `cpu (skipped cuda: Cuda interface not available: ...; dml: ...)`.
    public var description: String {
        guard !skipped.isEmpty else { return chosen }
        let reasons = skipped.map { "\($0.provider): \($0.reason)" }.joined(separator: "; ")
        return "\(chosen) (skipped \(reasons))"
    }
}
