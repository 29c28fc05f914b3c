import Foundation

/// The hidden folder a pull writes into (`MODELS_DIR/.pull-NAME-<random>/`, which the catalog ignores): renamed to
/// `MODELS_DIR/NAME` only once everything is verified, removed on any failure.
struct StagingFolder: Sendable {
    let url: URL

    static func create(in models: URL, name: String) throws -> StagingFolder {
        do {
            try FileManager.default.createDirectory(at: models, withIntermediateDirectories: true)
        } catch {
            throw FileSink.failure(error, path: models.path)
        }
        for _ in 0..<8 {
            let suffix = String(UInt64.random(in: 0...UInt64.max), radix: 16)
            let url = models.appendingPathComponent(".pull-\(name)-\(suffix)", isDirectory: true)
            if mkdir(url.path, 0o755) == 0 { return StagingFolder(url: url) }
            guard errno == EEXIST else {
                let reason = String(cString: strerror(errno))
                if errno == ENOSPC { throw PullError(.diskFull, "disk full: cannot create a folder in \(models.path)") }
                throw PullError(.io, "cannot create a folder in \(models.path): \(reason)")
            }
        }
        throw PullError(.io, "cannot create a temporary folder in \(models.path)")
    }

    /// Where a file of the model goes (`relative` is already checked by `RepoPath`).
    func file(_ relative: String) -> URL {
        url.appendingPathComponent(relative, isDirectory: false)
    }

    /// Moves the folder to `target`, which must not exist.
    func commit(to target: URL, name: String) throws {
        if FileManager.default.fileExists(atPath: target.path) { throw HubPuller.alreadyExists(name, target) }
        guard rename(url.path, target.path) == 0 else {
            let code = errno
            if code == EEXIST || code == ENOTEMPTY { throw HubPuller.alreadyExists(name, target) }
            throw PullError(.io, "cannot move the model into \(target.path): \(String(cString: strerror(code)))")
        }
    }

    func remove() {
        try? FileManager.default.removeItem(at: url)
    }
}
