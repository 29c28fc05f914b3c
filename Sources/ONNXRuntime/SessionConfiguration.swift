/// How to build an ONNX Runtime session: threads, graph optimisation and the ordered execution-provider
/// preference with per-provider options.
public struct SessionConfiguration: Sendable, Equatable {
    /// Threads inside one operator; 0 lets ONNX Runtime choose (one per physical core).
    public var intraOpThreads: Int = 0
    /// Threads across operators (only used by the parallel execution mode); 0 lets ONNX Runtime choose.
    public var interOpThreads: Int = 0
    public var graphOptimization: GraphOptimizationLevel = .all
    /// Execution providers to try, best first. The CPU provider is used only if listed.
    public var providers: [ExecutionProviderKind] = ExecutionProviderKind.defaultPreference
    /// Options passed to a provider when it is appended (e.g. `["device_id": "1"]` for cuda).
    public var providerOptions: [ExecutionProviderKind: [String: String]] = [:]

    public init(intraOpThreads: Int = 0, interOpThreads: Int = 0, graphOptimization: GraphOptimizationLevel = .all,
                providers: [ExecutionProviderKind] = ExecutionProviderKind.defaultPreference,
                providerOptions: [ExecutionProviderKind: [String: String]] = [:]) {
        self.intraOpThreads = intraOpThreads
        self.interOpThreads = interOpThreads
        self.graphOptimization = graphOptimization
        self.providers = providers
        self.providerOptions = providerOptions
    }
}

/// The outcome of the provider fallback chain for one session: which provider serves it and why each provider
/// ahead of it in the preference list was skipped.
public struct ProviderSelection: Sendable, Equatable, CustomStringConvertible {
    /// A preferred provider that was not used, and why.
    public struct Skip: Sendable, Equatable {
        public let provider: ExecutionProviderKind
        public let reason: String

        public init(provider: ExecutionProviderKind, reason: String) {
            self.provider = provider
            self.reason = reason
        }
    }

    public let chosen: ExecutionProviderKind
    public let skipped: [Skip]

    public init(chosen: ExecutionProviderKind, skipped: [Skip]) {
        self.chosen = chosen
        self.skipped = skipped
    }

    /// e.g. `CPUExecutionProvider (skipped cuda: not in this ONNX Runtime build; qnn: ...)`.
    public var description: String {
        guard !skipped.isEmpty else { return chosen.onnxRuntimeName }
        let reasons = skipped.map { "\($0.provider.rawValue): \($0.reason)" }.joined(separator: "; ")
        return "\(chosen.onnxRuntimeName) (skipped \(reasons))"
    }
}
