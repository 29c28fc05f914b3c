/// Which files of a repository a pull takes and where each lands in the model folder, decided from the listing and
/// the include globs before anything is downloaded.
struct PullPlan: Sendable, Equatable {
    struct Item: Sendable, Equatable {
        /// The path in the repository.
        let path: String
        /// The path inside the model folder (for a GGUF: inside the staging folder).
        let local: String
    }

    let items: [Item]
    /// True when the pull is one `.gguf` file to import rather than a folder to keep.
    let isGGUF: Bool

    static func make(files: [String], include: [String], repository: String, revision: String) throws -> PullPlan {
        let selected = HubGlob.select(files, include: include)
        guard !files.isEmpty else {
            throw PullError(.notFound, "not found on the Hub: \(repository) has no files at revision '\(revision)'")
        }
        guard !selected.isEmpty else {
            let patterns = include.map { "\"\($0)\"" }.joined(separator: " ")
            let shown = files.prefix(6).joined(separator: ", ")
            let more = files.count > 6 ? " and \(files.count - 6) more" : ""
            throw PullError(.notFound, "not found on the Hub: no file of \(repository) at revision '\(revision)'"
                            + " matches \(patterns) (it has \(shown)\(more))")
        }
        for path in selected where RepoPath.safeComponents(path) == nil {
            throw PullError(.network, "the Hub listed an unsafe file name in \(repository): '\(path.prefix(200))'"
                            + " (refused)")
        }
        let ggufs = selected.filter { $0.lowercased().hasSuffix(".gguf") }
        if ggufs.count > 1 {
            let shown = ggufs.prefix(4).joined(separator: ", ") + (ggufs.count > 4 ? ", …" : "")
            throw PullError(.invalidRequest, "\(ggufs.count) GGUF files match in \(repository) (\(shown)): pick one"
                            + " with --include, e.g. \"*Q4_K_M.gguf\"")
        }
        if let gguf = ggufs.first {
            let name = String(gguf.split(separator: "/").last ?? Substring(gguf))
            return PullPlan(items: [Item(path: gguf, local: name)], isGGUF: true)
        }
        guard let locals = RepoPath.localPaths(for: selected) else {
            throw PullError(.network, "the Hub listed an unsafe file name in \(repository) (refused)")
        }
        return PullPlan(items: zip(selected, locals).map { Item(path: $0, local: $1) }, isGGUF: false)
    }
}
