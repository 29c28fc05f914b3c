extension ChatCompletionRequest {
    /// A field the gateway does not implement, with the values that ask for nothing and so are accepted.
    struct NeutralField: Sendable {
        let name: String
        /// The accepted values, as the 400 lists them.
        let neutral: String
        let isNeutral: @Sendable (CompletionJSONValue) -> Bool
    }

    /// The deprecated `functions`, audio, structured output, predicted output, reasoning, web search, stored completions and service
    /// tiers: refused by name unless sent with their neutral value.
    static let neutralOnly: [NeutralField] = [
        NeutralField(name: "functions", neutral: "null or []") { $0 == .null || $0 == .array([]) },
        NeutralField(name: "function_call", neutral: "null or \"none\"") { $0 == .null || $0 == .string("none") },
        NeutralField(name: "audio", neutral: "null") { $0 == .null },
        NeutralField(name: "modalities", neutral: "null or [\"text\"]") {
            $0 == .null || $0 == .array([.string("text")])
        },
        NeutralField(name: "prediction", neutral: "null") { $0 == .null },
        NeutralField(name: "reasoning_effort", neutral: "null") { $0 == .null },
        NeutralField(name: "web_search_options", neutral: "null") { $0 == .null },
        NeutralField(name: "store", neutral: "null or false") { $0 == .null || $0 == .bool(false) },
        NeutralField(name: "metadata", neutral: "null or {}") { $0 == .null || $0 == .object([:]) },
        NeutralField(name: "service_tier", neutral: "null, \"auto\" or \"default\"") {
            $0 == .null || $0 == .string("auto") || $0 == .string("default")
        },
    ]
}
