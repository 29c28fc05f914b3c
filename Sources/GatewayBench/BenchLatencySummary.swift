/// Latency statistics of one scenario, in milliseconds; percentiles interpolate linearly between the closest
/// ranks (numpy's default), so they compare with the Python baseline's.
struct BenchLatencySummary: Encodable, Sendable {
    let min: Double
    let mean: Double
    let p50: Double
    let p95: Double
    let p99: Double
    let max: Double

    /// nil when there are no samples.
    init?(_ durations: [Duration]) {
        guard !durations.isEmpty else { return nil }
        let sorted = durations.map(Self.milliseconds).sorted()
        min = sorted[0]
        max = sorted[sorted.count - 1]
        mean = sorted.reduce(0, +) / Double(sorted.count)
        p50 = Self.percentile(sorted, 50)
        p95 = Self.percentile(sorted, 95)
        p99 = Self.percentile(sorted, 99)
    }

    static func milliseconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) * 1_000 + Double(attoseconds) / 1e15
    }

    /// The `p`-th percentile of ascending `sorted` values.
    static func percentile(_ sorted: [Double], _ p: Double) -> Double {
        let position = p / 100 * Double(sorted.count - 1)
        let lower = Int(position.rounded(.down))
        let upper = Swift.min(lower + 1, sorted.count - 1)
        let fraction = position - Double(lower)
        return sorted[lower] + (sorted[upper] - sorted[lower]) * fraction
    }
}
