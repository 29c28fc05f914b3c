import Foundation
import Testing
@testable import ONNXRuntime

/// Paths the tests use: the repository root, the runtime libraries `scripts/setup` installs, the wheel's models.
enum TestPaths {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let ortLibrary = root.appendingPathComponent(".runtime/lib/libonnxruntime.so").path
    static let genAILibrary = root.appendingPathComponent(".runtime/lib/libonnxruntime-genai.so").path
    static let fixtures = Bundle.module.resourceURL!.appendingPathComponent("Fixtures")

    /// The `onnxruntime` wheel's `datasets` folder (beside the real library the link points at).
    static var datasets: URL {
        URL(fileURLWithPath: ortLibrary).resolvingSymlinksInPath().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("datasets")
    }

    /// The real ONNX Runtime; the tests fail (not skip) when `scripts/setup` has not been run.
    static func runtime() throws -> OrtRuntime {
        guard FileManager.default.fileExists(atPath: ortLibrary) else {
            Issue.record("\(ortLibrary) is missing: run scripts/setup first")
            throw OrtError(.libraryUnavailable, "missing runtime")
        }
        return try OrtRuntime.load(path: ortLibrary)
    }
}

/// One case of `Fixtures/reference.json`, written by `tools/make_ort_fixtures.py` from ONNX Runtime's Python API.
struct ReferenceCase: Decodable {
    struct TensorJSON: Decodable {
        let name: String
        let dtype: String
        let shape: [Int]
        let data: [Double]

        var tensor: Tensor {
            switch dtype {
            case "float32": Tensor(float: data.map { Float($0) }, shape: shape)
            case "float16": Tensor(float16: data.map { Float16(Float($0)) }, shape: shape)
            case "int64": Tensor(int64: data.map { Int64($0) }, shape: shape)
            default: fatalError("fixture dtype \(dtype)")
            }
        }
    }

    let model: String
    let inputs: [TensorJSON]
    let outputs: [TensorJSON]

    var modelPath: String {
        model.hasPrefix("datasets/")
            ? TestPaths.datasets.appendingPathComponent(String(model.dropFirst("datasets/".count))).path
            : TestPaths.fixtures.appendingPathComponent(model).path
    }

    static func all() throws -> [ReferenceCase] {
        struct File: Decodable { let cases: [ReferenceCase] }
        let data = try Data(contentsOf: TestPaths.fixtures.appendingPathComponent("reference.json"))
        return try JSONDecoder().decode(File.self, from: data).cases
    }
}

extension ReferenceCase: CustomTestStringConvertible {
    var testDescription: String { "\(model) \(inputs.map { "\($0.name)\($0.shape)" }.joined(separator: " "))" }
}
