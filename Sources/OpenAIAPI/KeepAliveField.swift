import GatewayCore

/// The `keep_alive` extension field (as Ollama's): how long the model stays loaded after this request. A number of
/// seconds (negative: for ever; 0: unload when idle) or a duration string such as `"5m"` or `"1h30m"`.
enum KeepAliveField {
    static let name = "keep_alive"

    /// nil when absent or null; a 400 naming the field for anything else that is not a keep-alive.
    static func parse(_ value: CompletionJSONValue?) throws -> KeepAlive? {
        let parsed: KeepAlive?
        switch value {
        case nil, .null?: return nil
        case .number(let seconds)?: parsed = KeepAlive.seconds(value: seconds)
        case .string(let text)?: parsed = KeepAlive.parse(text)
        default: parsed = nil
        }
        guard let parsed else {
            throw APIError.invalidRequest(
                "Invalid 'keep_alive': expected seconds (at most 1000000000; negative keeps the model loaded for ever, "
                    + "0 unloads it when idle) or a duration such as \"5m\" or \"1h30m\".",
                param: name, code: "invalid_value")
        }
        return parsed
    }
}

/// The optional body of `POST /v1/models/{id}/load`: `{"keep_alive": …}`.
public struct ModelLoadRequest: Decodable, Sendable {
    public let keepAlive: KeepAlive?

    public init(keepAlive: KeepAlive? = nil) { self.keepAlive = keepAlive }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case keepAlive = "keep_alive"
    }

    public init(from decoder: any Decoder) throws {
        try decoder.refuseUnknownKeys(Set(CodingKeys.allCases.map(\.rawValue)))
        let container = try decoder.container(keyedBy: CodingKeys.self)
        keepAlive = try KeepAliveField.parse(container.decodeIfPresent(CompletionJSONValue.self, forKey: .keepAlive))
    }
}

/// The optional body of `POST /v1/models/{id}/unload`: `{"force": true}` stops the requests using the model.
public struct ModelUnloadRequest: Decodable, Sendable {
    public let force: Bool

    public init(force: Bool = false) { self.force = force }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case force
    }

    public init(from decoder: any Decoder) throws {
        try decoder.refuseUnknownKeys(Set(CodingKeys.allCases.map(\.rawValue)))
        let container = try decoder.container(keyedBy: CodingKeys.self)
        force = try container.decodeIfPresent(Bool.self, forKey: .force) ?? false
    }
}
