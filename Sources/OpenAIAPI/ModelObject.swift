/// OpenAI's model object (`GET /v1/models/{id}`), extended with what the gateway knows of the model.
public struct ModelObject: Codable, Sendable, Equatable {
    public var id: String
    public var object: String = "model"
    public var created: Int
    public var ownedBy: String
    /// Extension: `embedding` or `chat`.
    public var kind: String?
    /// Extension: the execution provider serving the model, nil while it is not loaded.
    public var provider: String?
    /// Extension: why each preferred provider ahead of `provider` was skipped, in preference order.
    public var providerSkipped: [ProviderSkip]?
    /// Extension: `available` (not loaded), `loading`, `loaded`, `unloading` or `failed`.
    public var status: String?
    /// Extension: why the model failed to load or cannot be served (with `status: failed`).
    public var error: String?
    /// Extension: other names that route to this model.
    public var aliases: [String]?
    /// Extension: the context length served (chat models).
    public var contextLength: Int?
    /// Extension: memory the model is expected to need loaded (its files plus its KV budget).
    public var estimatedBytes: Int?
    /// Extension: resident memory its load added (loaded models).
    public var residentBytes: Int?
    /// Extension: seconds an idle model stays loaded (-1: for ever).
    public var keepAlive: Double?
    /// Extension: when the idle model unloads, seconds since 1970 (loaded and idle models with a finite keep-alive).
    public var expiresAt: Int?
    /// Extension: requests using the model now.
    public var activeRequests: Int?
    /// Extension: the options each execution provider gets for this model (server-wide and its own).
    public var providerOptions: [String: [String: String]]?
    /// Extension (loaded chat models): `ai-gateway` (the decode engine) or `onnxruntime-genai`.
    public var engine: String?
    /// Extension: why onnxruntime-genai serves the model instead of the decode engine.
    public var engineReason: String?
    /// Extension (loaded chat models on the decode engine): requests decoded at once, and tokens each may hold.
    public var kvCacheRows: Int?
    /// Extension: ONNX Runtime's selection policy asked for (`provider_policy`), and what became of it.
    public var providerPolicy: String?
    public var providerPolicyNote: String?
    public var kvCacheRowTokens: Int?
    /// Extension (loaded chat models): who renders tools (`model_template`: the model's own chat template;
    /// `default_block`: the gateway's tools block) and the call format the model is held to.
    public var toolTemplate: String?
    public var toolCallFormat: String?

    public init(id: String, created: Int, ownedBy: String = "ai-gateway", kind: String? = nil,
                provider: String? = nil, providerSkipped: [ProviderSkip]? = nil) {
        self.id = id
        self.created = created
        self.ownedBy = ownedBy
        self.kind = kind
        self.provider = provider
        self.providerSkipped = providerSkipped
    }

    enum CodingKeys: String, CodingKey {
        case id, object, created, kind, provider, status, error, aliases
        case ownedBy = "owned_by"
        case providerSkipped = "provider_skipped"
        case contextLength = "context_length"
        case estimatedBytes = "estimated_bytes"
        case residentBytes = "resident_bytes"
        case keepAlive = "keep_alive"
        case expiresAt = "expires_at"
        case activeRequests = "active_requests"
        case providerOptions = "provider_options"
        case engine
        case engineReason = "engine_reason"
        case kvCacheRows = "kv_cache_rows"
        case kvCacheRowTokens = "kv_cache_row_tokens"
        case providerPolicy = "provider_policy"
        case providerPolicyNote = "provider_policy_note"
        case toolTemplate = "tool_template"
        case toolCallFormat = "tool_call_format"
    }
}

/// OpenAI's list of models (`GET /v1/models`).
public struct ModelList: Codable, Sendable, Equatable {
    public var object: String = "list"
    public var data: [ModelObject]

    public init(data: [ModelObject]) { self.data = data }
}

/// A preferred execution provider that was not used, and why.
public struct ProviderSkip: Codable, Sendable, Equatable {
    public var provider: String
    public var reason: String

    public init(provider: String, reason: String) {
        self.provider = provider
        self.reason = reason
    }
}
