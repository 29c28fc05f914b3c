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

/// ONNX Runtime 1.22+'s device-based calls on the real runtime: a provider appended by its devices (how plugin
/// providers join a session) and the selection policy with the placement the session records.
@Suite("Providers by device and by policy on the real runtime")
struct ProviderDeviceTests {
    let model = TestPaths.datasets.appendingPathComponent("mul_1.onnx").path

    @Test("a provider appended by its reported devices serves the session; one without devices is refused")
    func appendByDevices() throws {
        let runtime = try TestPaths.runtime()
        let options = try SessionOptions(runtime: runtime, configuration: SessionConfiguration())
        // The CPU provider is the one every build reports a device for; plugin providers go the same way.
        try runtime.appendPluginProvider("CPUExecutionProvider", to: options.handle, keys: [], values: [])
        var session: OpaquePointer?
        try runtime.check(runtime.api.CreateSession(runtime.environment, model, options.handle, &session))
        #expect(session != nil)
        runtime.api.ReleaseSession(session)
        let other = try SessionOptions(runtime: runtime, configuration: SessionConfiguration())
        #expect(throws: OrtError.self) {
            try runtime.appendPluginProvider("QNNExecutionProvider", to: other.handle, keys: [], values: [])
        }
    }

    @Test("a policy's session reports the provider that runs the nodes and why")
    func policy() throws {
        var configuration = SessionConfiguration(providers: [.cpu])
        configuration.policy = .preferGPU
        let session = try OrtSession(runtime: try TestPaths.runtime(), modelPath: model, configuration: configuration)
        #expect(session.providerSelection.chosen == .cpu)
        #expect(session.providerSelection.policy == .preferGPU)
        let note = try #require(session.providerSelection.policyNote)
        #expect(note.contains("no GPU device among ONNX Runtime's devices (CPU)"), "\(note)")
        #expect(note.contains("1 nodes on CPUExecutionProvider"), "\(note)")
        #expect(try session.run(["X": Tensor(float: [1, 2, 3, 4, 5, 6], shape: [3, 2])])["Y"]?.floats
            == [1, 4, 9, 16, 25, 36])
    }

    @Test("under a policy, provider options become the session entries the providers it creates read")
    func policyProviderOptions() throws {
        let entries = SessionOptions.policyConfigEntries([.cuda: ["device_id": "1"], .openvino: ["device_type": "NPU"]])
        #expect(entries.map(\.key) == ["ep.cudaexecutionprovider.device_id", "ep.openvinoexecutionprovider.device_type"])
        #expect(entries.map(\.value) == ["1", "NPU"])
        var configuration = SessionConfiguration(providers: [.cpu], providerOptions: [.cuda: ["device_id": "1"]])
        configuration.policy = .preferCPU
        let session = try OrtSession(runtime: try TestPaths.runtime(), modelPath: model, configuration: configuration)
        #expect(session.providerSelection.policy == .preferCPU)
        let note = try #require(session.providerSelection.policyNote)
        #expect(note.contains("1 nodes on CPUExecutionProvider") && !note.contains("ordered list"), "\(note)")
    }
}
