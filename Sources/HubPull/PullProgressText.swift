/// How sizes, rates and times left read in pull progress lines: decimal units with one decimal
/// (`22.9 MB`, `12.3 MB/s`), durations as `45s`, `3m05s`, `1h02m`.
public enum PullProgressText {
    public static func bytes(_ count: Int64) -> String {
        guard count >= 0 else { return "unknown size" }
        guard count >= 1000 else { return "\(count) B" }
        var value = Double(count)
        var unit = 0
        let units = ["B", "kB", "MB", "GB", "TB", "PB"]
        while value >= 999.95 && unit < units.count - 1 {
            value /= 1000
            unit += 1
        }
        return "\(oneDecimal(value)) \(units[unit])"
    }

    public static func rate(_ bytesPerSecond: Double) -> String {
        guard bytesPerSecond.isFinite, bytesPerSecond > 0 else { return "-- B/s" }
        return bytes(Int64(bytesPerSecond.rounded())) + "/s"
    }

    public static func duration(_ seconds: Double?) -> String {
        guard let seconds, seconds.isFinite, seconds >= 0 else { return "--" }
        let whole = Int(seconds.rounded(.up))
        if whole < 60 { return "\(whole)s" }
        if whole < 3600 { return "\(whole / 60)m\(twoDigits(whole % 60))s" }
        return "\(whole / 3600)h\(twoDigits(whole / 60 % 60))m"
    }

    /// `45%` of a known total, empty when the total is unknown or zero.
    public static func percent(_ completed: Int64, of total: Int64) -> String {
        guard total > 0 else { return "" }
        return "\(min(Int(Double(completed) * 100 / Double(total)), 100))%"
    }

    /// `12.3 MB / 22.9 MB`, or just the bytes so far when the total is unknown.
    public static func amount(_ completed: Int64, of total: Int64) -> String {
        total >= 0 ? "\(bytes(completed)) / \(bytes(total))" : bytes(completed)
    }

    /// A path shortened to `limit` characters by eliding its start (`…/cpu-int4/model.onnx`).
    public static func shortened(_ path: String, limit: Int) -> String {
        guard path.count > limit, limit > 1 else { return path }
        return "…" + path.suffix(limit - 1)
    }

    private static func oneDecimal(_ value: Double) -> String {
        let tenths = Int((value * 10).rounded())
        return "\(tenths / 10).\(tenths % 10)"
    }

    private static func twoDigits(_ value: Int) -> String {
        value < 10 ? "0\(value)" : "\(value)"
    }
}
