import Foundation
import Metrics
import Prometheus

/// The process's metrics: swift-metrics bootstrapped once onto a Prometheus registry, which `GET /metrics`
/// renders in Prometheus' text format.
enum GatewayMetrics {
    /// The registry every metric of the process lands in (bootstraps swift-metrics on first use).
    static let registry: PrometheusCollectorRegistry = {
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = [
            .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
            .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2.5), .seconds(5), .seconds(10),
            .seconds(30), .seconds(60),
        ]
        factory.defaultValueHistogramBuckets = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192]
        MetricsSystem.bootstrap(factory)
        return registry
    }()

    /// The Prometheus text of every metric.
    static func render() -> String {
        registry.emitToString()
    }
}

/// The per-request generation metrics, labelled by model and provider: time to first token, time between
/// tokens, prompt and generated tokens.
struct GenerationMetrics: Sendable {
    let firstToken: Metrics.Timer
    let interToken: Metrics.Timer
    let promptTokens: Metrics.Counter
    let generatedTokens: Metrics.Counter

    init(model: String, provider: String) {
        let dimensions = [("model", model), ("provider", provider)]
        firstToken = Metrics.Timer(label: "aigw_time_to_first_token_seconds", dimensions: dimensions)
        interToken = Metrics.Timer(label: "aigw_inter_token_latency_seconds", dimensions: dimensions)
        promptTokens = Metrics.Counter(label: "aigw_prompt_tokens_total", dimensions: dimensions)
        generatedTokens = Metrics.Counter(label: "aigw_generated_tokens_total", dimensions: dimensions)
    }
}

/// Times one generation's events: the first text after `start`, then the gaps between texts.
struct TokenTimer {
    let metrics: GenerationMetrics
    private var last: ContinuousClock.Instant
    private var first = true

    init(metrics: GenerationMetrics, start: ContinuousClock.Instant) {
        self.metrics = metrics
        self.last = start
    }

    mutating func text() {
        let now = ContinuousClock.now
        (first ? metrics.firstToken : metrics.interToken).recordInterval(since: last, until: now)
        first = false
        last = now
    }
}

extension Metrics.Timer {
    func recordInterval(since start: ContinuousClock.Instant, until end: ContinuousClock.Instant) {
        let elapsed = end - start
        let nanoseconds = elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000
        recordNanoseconds(max(0, nanoseconds))
    }
}
