import Foundation
import Testing
@testable import ONNXRuntime

/// Resident set size of this process, from /proc/self/statm.
private func residentBytes() -> Int {
    let text = (try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8)) ?? ""
    let pages = text.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0
    return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
}

@Suite("Every ONNX Runtime object is released", .serialized)
struct LeakTests {
    @Test("10,000 runs keep RSS flat")
    func runsDoNotLeak() throws {
        let path = TestPaths.fixtures.appendingPathComponent("multi_io.onnx").path
        let session = try OrtSession(runtime: try TestPaths.runtime(), modelPath: path,
                                     configuration: SessionConfiguration(intraOpThreads: 1, providers: [.cpu]))
        // 256 x 64 float16 in and out: a leaked input or output value per run would be 32 KiB, 320 MB in all.
        let batch = 256, width = 64
        let inputs: [String: Tensor] = [
            "a": Tensor(float: Array(repeating: 1, count: batch * 3), shape: [batch, 3]),
            "b": Tensor(int64: Array(repeating: 2, count: batch * 3), shape: [batch, 3]),
            "c": Tensor(float16: Array(repeating: 3, count: batch * width), shape: [batch, width]),
        ]
        for _ in 0..<500 { _ = try session.run(inputs) }  // warm up arenas and caches
        let before = residentBytes()
        for _ in 0..<10_000 { _ = try session.run(inputs) }
        let growth = residentBytes() - before
        #expect(growth < 16 << 20, "RSS grew by \(growth >> 10) KiB over 10,000 runs")
    }

    @Test("creating and dropping 200 sessions keeps RSS flat")
    func sessionsDoNotLeak() throws {
        let runtime = try TestPaths.runtime()
        let path = TestPaths.fixtures.appendingPathComponent("multi_io.onnx").path
        let configuration = SessionConfiguration(intraOpThreads: 1, providers: [.cuda, .cpu])
        for _ in 0..<20 { _ = try OrtSession(runtime: runtime, modelPath: path, configuration: configuration) }
        let before = residentBytes()
        for _ in 0..<200 { _ = try OrtSession(runtime: runtime, modelPath: path, configuration: configuration) }
        let growth = residentBytes() - before
        #expect(growth < 16 << 20, "RSS grew by \(growth >> 10) KiB over 200 sessions")
    }
}
