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
        case id, object, created, kind, provider
        case ownedBy = "owned_by"
        case providerSkipped = "provider_skipped"
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
