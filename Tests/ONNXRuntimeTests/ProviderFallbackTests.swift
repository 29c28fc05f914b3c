import Foundation
import Testing
@testable import ONNXRuntime

@Suite("Execution-provider fallback on the real runtime")
struct ProviderFallbackTests {
    let model = TestPaths.datasets.appendingPathComponent("mul_1.onnx").path

    @Test("cuda, cpu lands on the CPU with the cuda reason recorded")
    func fallsBackToCPU() throws {
        let session = try OrtSession(runtime: try TestPaths.runtime(), modelPath: model,
                                     configuration: SessionConfiguration(providers: [.cuda, .cpu]))
        #expect(session.providerSelection.chosen == .cpu)
        #expect(session.providerSelection.skipped == [.init(provider: .cuda, reason: "not in this ONNX Runtime build")])
        #expect(session.providerSelection.description
            == "CPUExecutionProvider (skipped cuda: not in this ONNX Runtime build)")
        #expect(try session.run(["X": Tensor(float: [1, 2, 3, 4, 5, 6], shape: [3, 2])])["Y"]?.floats
            == [1, 4, 9, 16, 25, 36])
    }

    @Test("the default preference skips every accelerator this build lacks, each with its reason")
    func defaultPreference() throws {
        let session = try OrtSession(runtime: try TestPaths.runtime(), modelPath: model,
                                     configuration: SessionConfiguration())
        #expect(session.providerSelection.chosen == .cpu)
        #expect(session.providerSelection.skipped.map(\.provider) == [.qnn, .dml, .cuda, .openvino, .coreml])
        #expect(session.providerSelection.skipped.allSatisfy { $0.reason == "not in this ONNX Runtime build" })
    }

    @Test("only unavailable providers: the load fails listing each reason")
    func noProvider() throws {
        let error = #expect(throws: OrtError.self) {
            try OrtSession(runtime: try TestPaths.runtime(), modelPath: model,
                           configuration: SessionConfiguration(providers: [.cuda, .qnn]))
        }
        #expect(error?.kind == .noProvider)
        #expect(error?.message.contains("cuda: not in this ONNX Runtime build") == true)
        #expect(error?.message.contains("qnn: not in this ONNX Runtime build") == true)
    }

    @Test("an available provider that fails to create the session is skipped with ONNX Runtime's error")
    func sessionFailureIsARecordedReason() throws {
        let bogus = TestPaths.fixtures.appendingPathComponent("reference.json").path
        let error = #expect(throws: OrtError.self) {
            try OrtSession(runtime: try TestPaths.runtime(), modelPath: bogus,
                           configuration: SessionConfiguration(providers: [.cuda, .cpu]))
        }
        #expect(error?.kind == .noProvider)
        #expect(error?.message.contains("cuda: not in this ONNX Runtime build; cpu: ") == true)
    }

    @Test("provider names parse from short and ONNX Runtime spellings")
    func parsesNames() {
        #expect(ExecutionProviderKind(name: "CUDA") == .cuda)
        #expect(ExecutionProviderKind(name: "CUDAExecutionProvider") == .cuda)
        #expect(ExecutionProviderKind(name: "directml") == .dml)
        #expect(ExecutionProviderKind(name: "DmlExecutionProvider") == .dml)
        #expect(ExecutionProviderKind(name: "tpu") == nil)
    }
}
