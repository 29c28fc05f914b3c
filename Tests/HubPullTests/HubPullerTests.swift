import AsyncHTTPClient
import Foundation
import Logging
import Testing
@testable import HubPull

/// `HubPuller` end to end against the fake Hub of the e2e tests (`e2e/fakehub.py`, Python's standard library only),
/// run as a child process: events in order, exact bytes, checksum failure and cancellation leaving nothing behind.
@Suite(.serialized) struct HubPullerTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let python = ["/usr/bin/python3", "/usr/local/bin/python3"]
        .first { FileManager.default.isExecutableFile(atPath: $0) }

    /// The bytes `fakehub.generated_bytes(size, seed)` serves.
    static func generatedBytes(_ size: Int, seed: Int = 1) -> [UInt8] {
        var bytes: [UInt8] = []
        var counter = 0
        while bytes.count < size {
            var hasher = SHA256Hasher()
            hasher.update(Array("\(seed):\(counter)".utf8))
            bytes += hasher.digest()
            counter += 1
        }
        return Array(bytes.prefix(size))
    }

    /// A running `fakehub.py`; `stop()` ends it.
    final class FakeHub: @unchecked Sendable {
        let process = Process()
        let url: String

        init(_ arguments: [String]) throws {
            let python = try #require(HubPullerTests.python)
            process.executableURL = URL(fileURLWithPath: python)
            process.arguments = [HubPullerTests.root.appendingPathComponent("e2e/fakehub.py").path] + arguments
            let output = Pipe()
            process.standardOutput = output
            try process.run()
            var line = Data()
            let reader = output.fileHandleForReading
            while let byte = try reader.read(upToCount: 1), !byte.isEmpty, byte != Data("\n".utf8) {
                line += byte
            }
            url = String(decoding: line, as: UTF8.self)
            try #require(url.hasPrefix("http://"))
        }

        func stop() {
            process.terminate()
            for _ in 0..<100 where process.isRunning { usleep(50_000) }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
        }
    }

    final class EventLog: @unchecked Sendable {
        private let events = Locked<[PullEvent]>([])
        func append(_ event: PullEvent) { events.withLock { $0.append(event) } }
        var all: [PullEvent] { events.withLock { $0 } }
    }

    private func modelsFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("hubpull-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    private func withPuller<T>(_ body: (HubPuller) async throws -> T) async throws -> T {
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: HubPuller.clientConfiguration())
        do {
            let result = try await body(HubPuller(httpClient: client, logger: Logger(label: "test")))
            try await client.shutdown()
            return result
        } catch {
            try await client.shutdown()
            throw error
        }
    }

    @Test(.enabled(if: python != nil)) func pullsAFolderWithEventsInOrder() async throws {
        let hub = try FakeHub(["--generated", "acme/gen:weights/model.onnx=300000",
                               "--generated", "acme/gen:weights/config.json=100", "--cut", "weights/model.onnx"])
        defer { hub.stop() }
        let models = try modelsFolder()
        defer { try? FileManager.default.removeItem(at: models) }
        let log = EventLog()
        let directory = try await withPuller { puller in
            try await puller.pull(PullRequest(repository: "acme/gen", endpoint: hub.url,
                                              modelsDirectory: models.path)) { log.append($0) }
        }
        #expect(directory == models.appendingPathComponent("gen").path)
        let model = try Data(contentsOf: URL(fileURLWithPath: directory).appendingPathComponent("model.onnx"))
        #expect([UInt8](model) == Self.generatedBytes(300_000))
        let config = try Data(contentsOf: URL(fileURLWithPath: directory).appendingPathComponent("config.json"))
        #expect([UInt8](config) == Self.generatedBytes(100))
        #expect(try FileManager.default.contentsOfDirectory(atPath: models.path) == ["gen"])

        let events = log.all
        guard case .resolved(let revision, let files)? = events.first else {
            Issue.record("the first event is not .resolved: \(events)")
            return
        }
        #expect(revision.count == 40)
        #expect(files == [PulledFile(path: "weights/config.json", size: 100),
                          PulledFile(path: "weights/model.onnx", size: 300_000)])
        #expect(events.last == .finished(name: "gen", directory: directory))
        for path in ["weights/config.json", "weights/model.onnx"] {
            let started = events.firstIndex {
                if case .progress(let progress) = $0 { return progress.file == path }
                return false
            }
            let done = events.firstIndex(of: .fileDone(path: path))
            #expect(started.flatMap { start in done.map { start < $0 } } == true, "\(path): \(events)")
        }
    }

    @Test(.enabled(if: python != nil)) func checksumMismatchLeavesNothing() async throws {
        let hub = try FakeHub(["--generated", "acme/gen:model.onnx=5000", "--corrupt", "model.onnx"])
        defer { hub.stop() }
        let models = try modelsFolder()
        defer { try? FileManager.default.removeItem(at: models) }
        let error = await #expect(throws: PullError.self) {
            try await withPuller { puller in
                try await puller.pull(PullRequest(repository: "acme/gen", endpoint: hub.url,
                                                  modelsDirectory: models.path)) { _ in }
            }
        }
        #expect(error?.kind == .checksumMismatch)
        #expect(error?.message.hasPrefix("checksum mismatch for model.onnx") == true)
        #expect(try FileManager.default.contentsOfDirectory(atPath: models.path).isEmpty)
    }

    @Test(.enabled(if: python != nil)) func cancellationRemovesTheTemporaryFolder() async throws {
        let hub = try FakeHub(["--generated", "acme/slow:model.onnx=3000000", "--bytes-per-second", "300000"])
        defer { hub.stop() }
        let models = try modelsFolder()
        defer { try? FileManager.default.removeItem(at: models) }
        let started = AsyncStream<Void>.makeStream()
        let task = Task {
            try await withPuller { puller in
                try await puller.pull(PullRequest(repository: "acme/slow", endpoint: hub.url,
                                                  modelsDirectory: models.path)) { event in
                    if case .progress(let progress) = event, progress.completed > 0 { started.continuation.yield() }
                }
            }
        }
        for await _ in started.stream { break }
        let staging = try FileManager.default.contentsOfDirectory(atPath: models.path)
        #expect(staging.count == 1 && staging[0].hasPrefix(".pull-slow-"))
        task.cancel()
        await #expect(throws: CancellationError.self) { try await task.value }
        #expect(try FileManager.default.contentsOfDirectory(atPath: models.path).isEmpty)
    }

    @Test func unreachableHubIsANetworkError() async throws {
        let models = try modelsFolder()
        defer { try? FileManager.default.removeItem(at: models) }
        let error = await #expect(throws: PullError.self) {
            try await withPuller { puller in
                try await puller.pull(PullRequest(repository: "acme/x", endpoint: "http://127.0.0.1:1",
                                                  modelsDirectory: models.path)) { _ in }
            }
        }
        #expect(error?.kind == .network)
        #expect(error?.message.contains("failed after 5 tries") == true)
        #expect(try FileManager.default.contentsOfDirectory(atPath: models.path).isEmpty)
    }

    @Test func existingFolderIsRefusedBeforeAnyRequest() async throws {
        let models = try modelsFolder()
        defer { try? FileManager.default.removeItem(at: models) }
        try FileManager.default.createDirectory(at: models.appendingPathComponent("x"),
                                                withIntermediateDirectories: true)
        let error = await #expect(throws: PullError.self) {
            try await withPuller { puller in
                try await puller.pull(PullRequest(repository: "acme/x", endpoint: "http://127.0.0.1:1",
                                                  modelsDirectory: models.path)) { _ in }
            }
        }
        #expect(error?.kind == .alreadyExists)
    }
}
