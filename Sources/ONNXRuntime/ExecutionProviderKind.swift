import Foundation

/// The execution providers a model can ask for, by the short names used in configuration.
///
/// `onnxRuntimeName` is the name ONNX Runtime reports in `GetAvailableProviders`.
public enum ExecutionProviderKind: String, Sendable, CaseIterable, Codable {
    case qnn
    case dml
    case cuda
    case tensorrt
    case openvino
    case coreml
    case cpu

    /// The default preference order: NPU first, then GPUs, then Intel, Apple, and the CPU last.
    public static let defaultPreference: [ExecutionProviderKind] = [.qnn, .dml, .cuda, .openvino, .coreml, .cpu]

    public var onnxRuntimeName: String {
        switch self {
        case .qnn: "QNNExecutionProvider"
        case .dml: "DmlExecutionProvider"
        case .cuda: "CUDAExecutionProvider"
        case .tensorrt: "TensorrtExecutionProvider"
        case .openvino: "OpenVINOExecutionProvider"
        case .coreml: "CoreMLExecutionProvider"
        case .cpu: "CPUExecutionProvider"
        }
    }

    /// Parses a short name (`cuda`) or ONNX Runtime's name (`CUDAExecutionProvider`), case-insensitively.
    public init?(name: String) {
        let lowered = name.trimmingCharacters(in: .whitespaces).lowercased()
        if let kind = ExecutionProviderKind(rawValue: lowered) {
            self = kind
            return
        }
        let aliases: [String: ExecutionProviderKind] = ["directml": .dml, "trt": .tensorrt]
        if let kind = aliases[lowered] {
            self = kind
            return
        }
        guard let kind = ExecutionProviderKind.allCases.first(where: { $0.onnxRuntimeName.lowercased() == lowered })
        else { return nil }
        self = kind
    }
}

extension ExecutionProviderKind {
    /// onnxruntime-genai's name for the provider in `genai_config.json` / `OgaConfigAppendProvider`.
    public var genAIName: String {
        switch self {
        case .qnn: "qnn"
        case .dml: "dml"
        case .cuda: "cuda"
        case .tensorrt: "NvTensorRtRtx"
        case .openvino: "OpenVINO"
        case .coreml: "coreml"
        case .cpu: "cpu"
        }
    }
}
