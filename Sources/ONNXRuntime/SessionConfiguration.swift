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
    /// ONNX Runtime's selection policy, tried before the ordered list (which then serves when the policy cannot).
    public var policy: ProviderPolicy?

    public init(intraOpThreads: Int = 0, interOpThreads: Int = 0, graphOptimization: GraphOptimizationLevel = .all,
                providers: [ExecutionProviderKind] = ExecutionProviderKind.defaultPreference,
                providerOptions: [ExecutionProviderKind: [String: String]] = [:], policy: ProviderPolicy? = nil) {
        self.intraOpThreads = intraOpThreads
        self.interOpThreads = interOpThreads
        self.graphOptimization = graphOptimization
        self.providers = providers
        self.providerOptions = providerOptions
        self.policy = policy
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
    /// The selection policy asked for, if any.
    public let policy: ProviderPolicy?
    /// What became of the policy: the device type it looked for and the nodes each provider got, or why the ordered
    /// list served instead.
    public let policyNote: String?

    public init(chosen: ExecutionProviderKind, skipped: [Skip], policy: ProviderPolicy? = nil, policyNote: String? = nil) {
        self.chosen = chosen
        self.skipped = skipped
        self.policy = policy
        self.policyNote = policyNote
    }

    /// e.g. `CPUExecutionProvider (skipped cuda: not in this ONNX Runtime build; qnn: ...)`.
    public var description: String {
        var notes = skipped.map { "\($0.provider.rawValue): \($0.reason)" }
        if let policy { notes.insert("policy \(policy.rawValue): \(policyNote ?? "")", at: 0) }
        guard !notes.isEmpty else { return chosen.onnxRuntimeName }
        return "\(chosen.onnxRuntimeName) (\(skipped.isEmpty ? "" : "skipped ")\(notes.joined(separator: "; ")))"
    }
}
