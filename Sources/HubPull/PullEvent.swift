/// What a pull reports while it runs, in order: `resolved` once, then `progress` and `fileDone` per file (each file's
/// first `progress` comes when it starts), `importing` for a GGUF, and `finished` last.
public enum PullEvent: Sendable, Equatable {
    /// The commit the revision resolved to and the files that will be downloaded (path in the repo, size).
    case resolved(revision: String, files: [PulledFile])
    /// Bytes received; sent when a file starts and then at most about four times a second overall.
    case progress(PullProgress)
    /// One file is complete and verified.
    case fileDone(path: String)
    /// The GGUF import started (`file` is the path in the repo).
    case importing(file: String)
    /// The model folder is in place.
    case finished(name: String, directory: String)
}

/// One file of a pull: its path in the repository and its size in bytes (-1 when the Hub did not say).
public struct PulledFile: Sendable, Equatable {
    public var path: String
    public var size: Int64

    public init(path: String, size: Int64) {
        self.path = path
        self.size = size
    }
}

/// A progress snapshot: the file that moved (path in the repo) and the whole pull's totals, rate and time left.
public struct PullProgress: Sendable, Equatable {
    public var file: String
    public var fileCompleted: Int64
    public var fileTotal: Int64
    public var completed: Int64
    public var total: Int64
    public var bytesPerSecond: Double
    /// Seconds left at the current rate; nil while the rate is unknown.
    public var etaSeconds: Double?

    public init(file: String, fileCompleted: Int64, fileTotal: Int64, completed: Int64, total: Int64,
                bytesPerSecond: Double, etaSeconds: Double?) {
        self.file = file
        self.fileCompleted = fileCompleted
        self.fileTotal = fileTotal
        self.completed = completed
        self.total = total
        self.bytesPerSecond = bytesPerSecond
        self.etaSeconds = etaSeconds
    }
}
