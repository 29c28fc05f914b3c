/// The running totals of a pull: bytes per file, the whole, the rate over the last few seconds and the time left;
/// also decides when the next `progress` event is due (at most four a second). A pure value: times come in.
struct TransferProgress: Sendable {
    static let interval = 0.25
    static let rateWindow = 5.0

    private var sizes: [String: Int64] = [:]
    private var done: [String: Int64] = [:]
    private(set) var total: Int64 = 0
    private(set) var completed: Int64 = 0
    private var samples: [(time: Double, completed: Int64)] = []
    private var lastEmit: Double?

    /// `files` with their sizes (-1 when unknown, which then counts as 0 in the total).
    init(files: [PulledFile]) {
        for file in files {
            sizes[file.path] = file.size
            total += max(file.size, 0)
        }
    }

    /// Records that `path` now has `bytes` on disk.
    mutating func update(path: String, bytes: Int64, now: Double) {
        completed += bytes - (done[path] ?? 0)
        done[path] = bytes
        if let last = samples.last, now - last.time < 0.05 {
            samples[samples.count - 1] = (last.time, completed)
        } else {
            samples.append((now, completed))
        }
        while let first = samples.first, now - first.time > Self.rateWindow, samples.count > 2 {
            samples.removeFirst()
        }
    }

    /// Whether a throttled `progress` event may go out now (and, if so, marks it sent).
    mutating func takeEmitSlot(now: Double) -> Bool {
        if let lastEmit, now - lastEmit < Self.interval { return false }
        lastEmit = now
        return true
    }

    /// Bytes per second over the last few seconds; 0 until half a second of samples exists.
    var bytesPerSecond: Double {
        guard let first = samples.first, let last = samples.last, last.time - first.time >= 0.5 else { return 0 }
        return max(Double(last.completed - first.completed) / (last.time - first.time), 0)
    }

    func snapshot(path: String) -> PullProgress {
        let rate = bytesPerSecond
        let left = max(total - completed, 0)
        return PullProgress(file: path, fileCompleted: done[path] ?? 0, fileTotal: sizes[path] ?? -1,
                            completed: completed, total: total, bytesPerSecond: rate,
                            etaSeconds: rate > 0 ? Double(left) / rate : nil)
    }
}
