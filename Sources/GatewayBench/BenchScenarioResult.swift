/// The numbers of one measured scenario, as the table and the JSON report show them.
struct BenchScenarioResult: Encodable, Sendable {
    let name: String
    let description: String
    let concurrency: Int
    let inputsPerRequest: Int
    let warmupRequests: Int
    let requests: Int
    let succeeded: Int
    let failed: Int
    /// Failed warmup requests (not in `failed`, but they fail the run too).
    let warmupFailed: Int
    let texts: Int
    let seconds: Double
    let textsPerSecond: Double
    let requestsPerSecond: Double
    let latencyMs: BenchLatencySummary?
    let dimensions: Int?
    /// `requests` when every planned request was sent, `duration` when the time limit cut the run short.
    let stoppedBy: String
    let peakRSSBytes: Int?
    /// CPU time of the machine, the bench, the server and everything else during the measured requests.
    let cpu: BenchCPUSnapshot.Usage
    let firstError: String?
}
