import CONNXRuntime

/// ONNX Runtime's execution-provider selection policy (`SessionOptionsSetEpSelectionPolicy`, 1.22+): instead of an
/// ordered list, ONNX Runtime picks the provider and device among those it discovered (`GetEpDevices`).
public enum ProviderPolicy: String, Sendable, Equatable, CaseIterable {
    case preferCPU = "prefer_cpu"
    case preferNPU = "prefer_npu"
    case preferGPU = "prefer_gpu"
    case maxPerformance = "max_performance"
    case maxEfficiency = "max_efficiency"
    case minOverallPower = "min_overall_power"

    /// `OrtExecutionProviderDevicePolicy`'s value.
    var onnxRuntimeValue: Int32 {
        switch self {
        case .preferCPU: 1
        case .preferNPU: 2
        case .preferGPU: 3
        case .maxPerformance: 4
        case .maxEfficiency: 5
        case .minOverallPower: 6
        }
    }

    /// The device type the policy looks for first (ONNX Runtime's own mapping: NPU for efficiency and power, GPU for
    /// performance), with the CPU as its fallback.
    public var preferredDeviceType: String {
        switch self {
        case .preferCPU: "CPU"
        case .preferNPU, .maxEfficiency, .minOverallPower: "NPU"
        case .preferGPU, .maxPerformance: "GPU"
        }
    }

    /// The ONNX Runtime release from which a policy is applied and the provider it chose can be read back.
    public static let minimumVersion = "1.\(AIGW_ORT_ASSIGNMENT_API_MINOR)"
}
