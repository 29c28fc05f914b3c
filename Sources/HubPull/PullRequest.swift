import Foundation

/// What to pull: a Hub repository at a revision, the files to take (globs), and where the model folder goes.
public struct PullRequest: Sendable {
    /// `owner/name`.
    public var repository: String
    /// A branch, tag or commit (default `main`).
    public var revision: String
    /// `fnmatch` globs over repository paths; empty = every file.
    public var include: [String]
    /// The folder name under the models folder; nil = the repository's name, lower-cased.
    public var name: String?
    /// The Hub's base URL, e.g. `https://huggingface.co` or `http://127.0.0.1:PORT`.
    public var endpoint: String
    /// Sent as `Authorization: Bearer` to the Hub (never to a CDN it redirects to).
    public var token: String?
    public var modelsDirectory: String
    /// Files downloaded at once (default 4).
    public var parallelDownloads: Int

    public init(repository: String, revision: String = "main", include: [String] = [], name: String? = nil,
                endpoint: String, token: String? = nil, modelsDirectory: String, parallelDownloads: Int = 4) {
        self.repository = repository
        self.revision = revision
        self.include = include
        self.name = name
        self.endpoint = endpoint
        self.token = token
        self.modelsDirectory = modelsDirectory
        self.parallelDownloads = parallelDownloads
    }

    /// The folder name the model gets: `name`, else the repository's name part lower-cased.
    public var folderName: String {
        name ?? RepoPath.defaultFolderName(repository: repository)
    }

    /// The request with its endpoint normalised (no trailing `/`); throws `PullError(.invalidRequest)` for a bad repo
    /// id, revision, name, glob, endpoint or parallelism.
    public func validated() throws -> PullRequest {
        guard RepoPath.isValidRepository(repository) else {
            throw PullError(.invalidRequest, "invalid repository id '\(repository.prefix(200))': expected OWNER/NAME"
                            + " (letters, digits, '.', '_', '-')")
        }
        guard RepoPath.isValidRevision(revision) else {
            throw PullError(.invalidRequest, "invalid revision '\(revision.prefix(200))'")
        }
        guard RepoPath.isValidFolderName(folderName) else {
            throw PullError(.invalidRequest, "invalid model name '\(folderName.prefix(200))': it must be a plain folder"
                            + " name (no '/', not starting with '.')")
        }
        guard include.count <= 256 else {
            throw PullError(.invalidRequest, "too many include patterns (\(include.count), at most 256)")
        }
        for glob in include where glob.isEmpty || glob.utf8.count > 1024 || glob.contains("\0") {
            throw PullError(.invalidRequest, "invalid include pattern '\(glob.prefix(200))'")
        }
        guard (1...32).contains(parallelDownloads) else {
            throw PullError(.invalidRequest, "parallel downloads must be 1 to 32, got \(parallelDownloads)")
        }
        guard !modelsDirectory.isEmpty, !modelsDirectory.contains("\0") else {
            throw PullError(.invalidRequest, "invalid models folder '\(modelsDirectory)'")
        }
        var normalised = self
        while normalised.endpoint.hasSuffix("/") { normalised.endpoint.removeLast() }
        guard let url = HubURL.parse(normalised.endpoint), url.scheme == "http" || url.scheme == "https" else {
            throw PullError(.invalidRequest, "invalid Hub endpoint '\(endpoint.prefix(200))': expected http(s)://HOST")
        }
        if let token = normalised.token {
            let trimmed = token.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !trimmed.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7f }) else {
                throw PullError(.invalidRequest, "invalid token: it contains control characters")
            }
            normalised.token = trimmed.isEmpty ? nil : trimmed
        }
        return normalised
    }
}
