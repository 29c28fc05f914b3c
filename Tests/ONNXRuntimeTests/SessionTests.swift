import Foundation
import Testing
@testable import ONNXRuntime

@Suite("ONNX Runtime binding on real models")
struct SessionTests {
    let cpuOnly = SessionConfiguration(intraOpThreads: 1, providers: [.cpu])

    @Test("loads the real library and checks its version")
    func loadsRuntime() throws {
        let runtime = try TestPaths.runtime()
        #expect(runtime.version.hasPrefix("1.32."))
        #expect(try runtime.availableProviders().contains("CPUExecutionProvider"))
    }

    @Test("outputs equal ONNX Runtime's Python API on every reference case", arguments: try ReferenceCase.all())
    func matchesPythonReference(_ reference: ReferenceCase) throws {
        let session = try OrtSession(runtime: try TestPaths.runtime(), modelPath: reference.modelPath,
                                     configuration: cpuOnly)
        let inputs = Dictionary(uniqueKeysWithValues: reference.inputs.map { ($0.name, $0.tensor) })
        let outputs = try session.run(inputs)
        #expect(outputs.count == reference.outputs.count)
        for expected in reference.outputs {
            let actual = try #require(outputs[expected.name], "missing output \(expected.name)")
            #expect(actual.shape == expected.shape, "shape of \(expected.name)")
            #expect(actual.elementType == expected.tensor.elementType, "type of \(expected.name)")
            switch actual.storage {
            case .int64(let values):
                #expect(values == expected.data.map { Int64($0) }, "\(expected.name)")
            default:
                let values = try #require(actual.floats)
                #expect(values.count == expected.data.count)
                for (index, (a, b)) in zip(values, expected.data).enumerated() {
                    // float32 results are bit-identical to Python's; float16 rounding is exact too, but compare
                    // through Float with a tolerance of one float32 ulp of the value.
                    #expect(abs(Double(a) - b) <= max(1e-6, abs(b) * 1e-6), "\(expected.name)[\(index)]")
                }
            }
        }
    }

    @Test("describes inputs and outputs with names, types and dynamic shapes")
    func describesSignature() throws {
        let path = TestPaths.fixtures.appendingPathComponent("multi_io.onnx").path
        let session = try OrtSession(runtime: try TestPaths.runtime(), modelPath: path, configuration: cpuOnly)
        #expect(session.inputs.map(\.name) == ["a", "b", "c"])
        #expect(session.inputs.map(\.elementType) == [.float, .int64, .float16])
        #expect(session.inputs[0].shape == [-1, 3])
        #expect(session.inputs[0].symbolicShape == ["batch", ""])
        #expect(session.inputs[2].symbolicShape == ["batch", "width"])
        #expect(session.outputs.map(\.name) == ["y", "h", "s", "m"])
        #expect(session.outputs.map(\.elementType) == [.float, .float16, .int64, .float])
        #expect(session.providerSelection.chosen == .cpu)
    }

    @Test("a subset of outputs can be requested by name")
    func requestsOutputSubset() throws {
        let path = TestPaths.fixtures.appendingPathComponent("multi_io.onnx").path
        let session = try OrtSession(runtime: try TestPaths.runtime(), modelPath: path, configuration: cpuOnly)
        let outputs = try session.run([
            "a": Tensor(float: [1, 2, 3], shape: [1, 3]),
            "b": Tensor(int64: [10, 20, 30], shape: [1, 3]),
            "c": Tensor(float16: [2], shape: [1, 1]),
        ], outputNames: ["s"])
        #expect(Array(outputs.keys) == ["s"])
        #expect(outputs["s"]?.int64s == [60])
    }

    @Test("bad inputs become Swift errors carrying ONNX Runtime's message")
    func mapsErrors() throws {
        let runtime = try TestPaths.runtime()
        let path = TestPaths.fixtures.appendingPathComponent("multi_io.onnx").path
        let session = try OrtSession(runtime: runtime, modelPath: path, configuration: cpuOnly)
        // Missing inputs: ONNX Runtime's own error, with its code.
        let missing = #expect(throws: OrtError.self) { try session.run(["a": Tensor(float: [1, 2, 3], shape: [1, 3])]) }
        #expect(missing?.kind == .runtime)
        #expect(missing?.code != nil)
        #expect(missing?.message.lowercased().contains("missing input") == true)
        // Wrong dtype for an input.
        let wrongType = #expect(throws: OrtError.self) {
            try session.run([
                "a": Tensor(int64: [1, 2, 3], shape: [1, 3]),
                "b": Tensor(int64: [1, 2, 3], shape: [1, 3]),
                "c": Tensor(float16: [1], shape: [1, 1]),
            ])
        }
        #expect(wrongType?.kind == .runtime)
        // Shape and data disagree: refused before calling ONNX Runtime.
        let mismatch = #expect(throws: OrtError.self) {
            try session.run(["a": Tensor(float: [1, 2], shape: [1, 3])])
        }
        #expect(mismatch?.kind == .invalidArgument)
        // Unknown input and output names.
        #expect(throws: OrtError.self) { try session.run(["nope": Tensor(float: [1], shape: [1])]) }
        #expect(throws: OrtError.self) { try session.run([:], outputNames: ["nope"]) }
        // A file that is not a model.
        let notModel = #expect(throws: OrtError.self) {
            try OrtSession(runtime: runtime, modelPath: TestPaths.fixtures.appendingPathComponent("reference.json").path,
                           configuration: cpuOnly)
        }
        #expect(notModel?.message.contains("cpu:") == true)
    }

    @Test("graph optimisation levels and thread counts are accepted")
    func sessionOptions() throws {
        let runtime = try TestPaths.runtime()
        let path = TestPaths.datasets.appendingPathComponent("mul_1.onnx").path
        for level in GraphOptimizationLevel.allCases {
            let session = try OrtSession(runtime: runtime, modelPath: path, configuration: SessionConfiguration(
                intraOpThreads: 2, interOpThreads: 1, graphOptimization: level, providers: [.cpu]))
            let out = try session.run(["X": Tensor(float: [1, 2, 3, 4, 5, 6], shape: [3, 2])])
            #expect(out["Y"]?.floats == [1, 4, 9, 16, 25, 36])
        }
    }
}
