import Metrics

/// The metrics one model's engine reports through swift-metrics, labelled by `model` and `provider`: waiting
/// requests, running generations, and rows per decode step (or texts per embedding run).
public final class EngineMetrics: Sendable {
    private let queue: Gauge
    private let active: Gauge?
    private let batch: Recorder

    public init(model: String, provider: String, kind: String = "chat") {
        let dimensions = [("model", model), ("provider", provider)]
        queue = Gauge(label: "aigw_queue_depth", dimensions: dimensions + [("queue", kind)])
        active = kind == "chat" ? Gauge(label: "aigw_active_generations", dimensions: dimensions) : nil
        batch = Recorder(label: "aigw_batch_size", dimensions: dimensions + [("kind", kind)], aggregate: true)
    }

    public func queueDepth(_ count: Int) { queue.record(count) }
    public func activeGenerations(_ count: Int) { active?.record(count) }
    /// One decode step over `rows` rows (or one embedding run over `rows` texts).
    public func recordStep(rows: Int) { batch.record(rows) }
}
