/// The body of `POST /v1/models/pull`: a Hugging Face repository to download into the models folder.
///
/// `{"model": "BAAI/bge-small-en-v1.5", "include": ["onnx/model.onnx", "*.json", "vocab.txt"], "revision": "main",
/// "name": "bge-small", "stream": true}`
public struct ModelPullRequest: Decodable, Sendable {
    /// `OWNER/NAME` on the Hub.
    public let model: String
    /// Globs of the files to download; empty: every file.
    public let include: [String]
    public let revision: String
    /// Folder name (the model's id); nil: the repository's name, lower-cased.
    public let name: String?
    /// Progress as server-sent events (default) or one JSON answer at the end.
    public let stream: Bool

    enum CodingKeys: String, CodingKey, CaseIterable {
        case model, include, revision, name, stream
    }

    public init(from decoder: any Decoder) throws {
        try decoder.refuseUnknownKeys(Set(CodingKeys.allCases.map(\.rawValue)))
        let container = try decoder.container(keyedBy: CodingKeys.self)
        model = try container.decode(String.self, forKey: .model)
        if let one = try? container.decodeIfPresent(String.self, forKey: .include) {
            include = [one]
        } else {
            include = try container.decodeIfPresent([String].self, forKey: .include) ?? []
        }
        guard include.count <= 64 else {
            throw APIError.invalidRequest("'include' has \(include.count) globs; at most 64 are allowed",
                                          param: "include")
        }
        revision = try container.decodeIfPresent(String.self, forKey: .revision) ?? "main"
        name = try container.decodeIfPresent(String.self, forKey: .name)
        stream = try container.decodeIfPresent(Bool.self, forKey: .stream) ?? true
    }
}
