/// Turns pull events into the text a command line shows on stderr. On a terminal it redraws a line per running file
/// and a total line (bytes, rate, time left) in place; otherwise it writes plain lines: one when a file starts (with
/// its size), one when it is done, and a total at most every 2 s. A pure value: the caller passes the time.
public struct PullProgressRenderer: Sendable {
    public enum Style: Sendable {
        case terminal
        case plain
    }

    let style: Style
    private var sizes: [String: Int64] = [:]
    private var onDisk: [String: Int64] = [:]
    private var running: [String] = []
    private var total: Int64 = 0
    private var bytesPerSecond: Double = 0
    private var eta: Double?
    private var liveLines = 0
    private var lastTotalLine: Double?
    private var lastDraw: Double?
    static let plainTotalInterval = 2.0
    static let redrawInterval = 0.1
    static let pathWidth = 56

    public init(style: Style) {
        self.style = style
    }

    /// The text to write for `event` (possibly empty); `now` is a monotonic time in seconds.
    public mutating func render(_ event: PullEvent, now: Double) -> String {
        var permanent: [String] = []
        switch event {
        case .resolved(let revision, let files):
            for file in files { sizes[file.path] = file.size }
            total = files.reduce(0) { $0 + max($1.size, 0) }
            let count = files.count == 1 ? "1 file" : "\(files.count) files"
            permanent.append("revision \(revision.prefix(12)): \(count), \(PullProgressText.bytes(total))")
            lastTotalLine = now
        case .progress(let progress):
            let first = onDisk[progress.file] == nil
            onDisk[progress.file] = progress.fileCompleted
            if progress.fileTotal >= 0 { sizes[progress.file] = progress.fileTotal }
            total = max(total, progress.total)
            bytesPerSecond = progress.bytesPerSecond
            eta = progress.etaSeconds
            if first {
                running.append(progress.file)
                if style == .plain {
                    permanent.append("downloading \(progress.file) (\(PullProgressText.bytes(progress.fileTotal)))")
                }
            }
            if style == .plain, let last = lastTotalLine, now - last >= Self.plainTotalInterval {
                lastTotalLine = now
                permanent.append(totalLine())
            }
        case .fileDone(let path):
            running.removeAll { $0 == path }
            if let size = sizes[path], size >= 0 { onDisk[path] = size }
            let size = sizes[path].map { " (\(PullProgressText.bytes($0)))" } ?? ""
            permanent.append("done \(path)\(size)")
        case .importing(let file):
            running.removeAll()
            permanent.append("importing \(file) as an onnxruntime-genai model (this can take a minute)")
        case .finished:
            running.removeAll()
        }
        if style == .terminal, permanent.isEmpty, case .progress = event, let last = lastDraw,
           now - last < Self.redrawInterval {
            return ""
        }
        lastDraw = now
        return output(permanent: permanent, live: style == .terminal && !running.isEmpty ? liveBlock() : [])
    }

    /// Clears the live lines (call before writing an error or the final line).
    public mutating func finish() -> String {
        output(permanent: [], live: [])
    }

    private mutating func output(permanent: [String], live: [String]) -> String {
        guard style == .terminal else { return permanent.map { $0 + "\n" }.joined() }
        var text = ""
        if liveLines > 0 { text += "\u{1B}[\(liveLines)F\u{1B}[J" }
        text += (permanent + live).map { $0 + "\n" }.joined()
        liveLines = live.count
        return text
    }

    private func liveBlock() -> [String] {
        running.map { path in
            let size = sizes[path] ?? -1
            let done = onDisk[path] ?? 0
            let percent = PullProgressText.percent(done, of: size)
            let name = PullProgressText.shortened(path, limit: Self.pathWidth)
            return "  \(name)  \(percent.isEmpty ? "" : percent + " ")\(PullProgressText.amount(done, of: size))"
        } + [totalLine()]
    }

    private func totalLine() -> String {
        let completed = onDisk.values.reduce(0, +)
        let percent = PullProgressText.percent(completed, of: total)
        return "total \(percent.isEmpty ? "" : percent + " ")\(PullProgressText.amount(completed, of: total)),"
            + " \(PullProgressText.rate(bytesPerSecond)), ETA \(PullProgressText.duration(eta))"
    }
}
