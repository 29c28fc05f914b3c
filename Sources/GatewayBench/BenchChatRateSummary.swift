/// A set of rates (tokens per second) summarised: the median is what the chat benchmark compares, the values are
/// kept so that a reader sees the spread.
struct BenchChatRateSummary: Encodable, Sendable {
    let min: Double
    let median: Double
    let mean: Double
    let max: Double
    let values: [Double]

    /// nil when there are no values.
    init?(_ values: [Double]) {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        min = sorted[0]
        max = sorted[sorted.count - 1]
        mean = sorted.reduce(0, +) / Double(sorted.count)
        median = BenchLatencySummary.percentile(sorted, 50)
        self.values = values
    }
}
