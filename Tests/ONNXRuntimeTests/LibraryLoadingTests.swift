import Foundation
import Testing
@testable import ONNXRuntime

@Suite("Loading the runtime libraries")
struct LibraryLoadingTests {
    @Test("a missing ONNX Runtime library gives one clear line: what, where, how to fix")
    func missingLibrary() {
        let error = #expect(throws: OrtError.self) { try OrtRuntime.load(explicitPath: "/nonexistent/libonnxruntime.so") }
        #expect(error?.kind == .libraryUnavailable)
        let message = error?.message ?? ""
        #expect(message.contains("/nonexistent/libonnxruntime.so"))
        #expect(message.contains("scripts/setup"))
        #expect(message.contains("AIGW_ORT_LIBRARY"))
        #expect(!message.contains("\n"))
    }

    @Test("a file that is not a shared library is refused, not loaded")
    func notALibrary() {
        let path = TestPaths.fixtures.appendingPathComponent("reference.json").path
        let error = #expect(throws: OrtError.self) { try OrtRuntime.load(path: path) }
        #expect(error?.kind == .libraryUnavailable)
        #expect(error?.message.contains("cannot load ONNX Runtime from") == true)
    }

    @Test("a shared library that is not ONNX Runtime is refused by name")
    func wrongLibrary() {
        // libonnxruntime-genai.so is a real shared library without OrtGetApiBase.
        let error = #expect(throws: OrtError.self) { try OrtRuntime.load(path: TestPaths.genAILibrary) }
        #expect(error?.message.contains("OrtGetApiBase") == true)
    }

    @Test("version check refuses releases older than the declared API")
    func versionCheck() {
        #expect(OrtRuntime.isAtLeast("1.32.0", major: 1, minor: Int(OrtRuntime.apiVersion)))
        #expect(!OrtRuntime.isAtLeast("1.\(OrtRuntime.apiVersion - 1).9", major: 1, minor: Int(OrtRuntime.apiVersion)))
        #expect(OrtRuntime.isAtLeast("2.0.0", major: 1, minor: Int(OrtRuntime.apiVersion)))
        #expect(!OrtRuntime.isAtLeast("garbage", major: 1, minor: 1))
    }

    @Test("the default location is .runtime/lib under the working directory or above the executable")
    func locatesDefault() throws {
        let path = try LibraryLocator.onnxRuntime.locate(explicitPath: nil)
        #expect(path.hasSuffix(".runtime/lib/libonnxruntime.so"))
    }

    @Test("onnxruntime-genai loads, reports its version and maps its errors")
    func genAI() throws {
        let ort = try TestPaths.runtime()
        let genAI = try GenAIRuntime.load(explicitPath: TestPaths.genAILibrary, onnxRuntimePath: ort.path)
        #expect(genAI.version?.hasPrefix("0.18") == true)
        let error = #expect(throws: OrtError.self) {
            try GenAIModel(runtime: genAI, directory: "/nonexistent-model-folder")
        }
        #expect(error?.kind == .genAI)
        #expect(error?.message.isEmpty == false)
    }

    @Test("a missing onnxruntime-genai library gives the clear error")
    func missingGenAI() {
        let error = #expect(throws: OrtError.self) {
            try GenAIRuntime.load(explicitPath: "/nonexistent/libonnxruntime-genai.so", onnxRuntimePath: nil)
        }
        #expect(error?.message.contains("AIGW_GENAI_LIBRARY") == true)
    }
}
