/// ONNX Runtime's graph optimisation levels, by the names used in configuration.
public enum GraphOptimizationLevel: String, Sendable, CaseIterable, Codable {
    case disabled
    case basic
    case extended
    case all
}
