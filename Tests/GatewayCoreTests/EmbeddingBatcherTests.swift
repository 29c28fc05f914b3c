import Foundation
import Testing
@testable import GatewayCore

/// A fake model run that records batch sizes and returns each sequence's first token as its vector.
private final class RecordingRunner: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var batches: [[Int32]] = []
    let delay: TimeInterval
    let failOn: Int32?

    init(delay: TimeInterval = 0.005, failOn: Int32? = nil) {
        self.delay = delay
        self.failOn = failOn
    }

    func run(_ sequences: [[Int32]]) throws -> [[Float]] {
        Thread.sleep(forTimeInterval: delay)
        lock.lock()
        batches.append(sequences.map { $0.count > 0 ? $0[0] : -1 })
        lock.unlock()
        if let failOn, sequences.contains(where: { $0.first == failOn }) {
            throw ServingError(.engineFailure, "boom")
        }
        return sequences.map { [Float($0[0]), Float($0.count)] }
    }

    var sizes: [Int] {
        lock.lock()
        defer { lock.unlock() }
        return batches.map(\.count)
    }
}

@Suite("Embedding batcher scheduling (fake model runs)")
struct EmbeddingBatcherTests {
    @Test("results come back to the right request in the right order")
    func scatter() async throws {
        let runner = RecordingRunner()
        let batcher = EmbeddingBatcher(name: "t", batchSize: 4, maxWait: .milliseconds(2)) { try runner.run($0) }
        defer { batcher.shutdown() }
        let vectors = try await batcher.embed([[5, 0, 0], [1], [9, 9], [3, 3, 3, 3], [7]])
        #expect(vectors == [[5, 3], [1, 1], [9, 2], [3, 4], [7, 1]])
        #expect(runner.sizes.reduce(0, +) == 5)
        #expect(runner.sizes.allSatisfy { $0 <= 4 })
    }

    @Test("16 concurrent single-text requests share batches")
    func concurrentRequestsAreBatched() async throws {
        let runner = RecordingRunner(delay: 0.02)
        let batcher = EmbeddingBatcher(name: "t", batchSize: 32, maxWait: .milliseconds(5)) { try runner.run($0) }
        defer { batcher.shutdown() }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<16 {
                group.addTask {
                    let vectors = try await batcher.embed([[Int32(index), 1]])
                    #expect(vectors == [[Float(index), 2]])
                }
            }
            try await group.waitForAll()
        }
        #expect(runner.sizes.reduce(0, +) == 16)
        #expect(runner.sizes.count <= 4, "16 requests ran in \(runner.sizes.count) batches: \(runner.sizes)")
    }

    @Test("a 2048-text request is split into batches of the configured size")
    func largeRequestSplit() async throws {
        let runner = RecordingRunner(delay: 0)
        let batcher = EmbeddingBatcher(name: "t", batchSize: 32, maxWait: .milliseconds(1)) { try runner.run($0) }
        defer { batcher.shutdown() }
        let sequences = (0..<2048).map { [Int32($0 % 1000), Int32(1)] + Array(repeating: 0, count: $0 % 50) }
        let vectors = try await batcher.embed(sequences)
        #expect(vectors.count == 2048)
        #expect(vectors.enumerated().allSatisfy { $0.element[0] == Float($0.offset % 1000) })
        #expect(runner.sizes.allSatisfy { $0 <= 32 })
        #expect(runner.sizes.count == 64)
    }

    @Test("a cancelled request drops out and the others still complete")
    func cancellation() async throws {
        let runner = RecordingRunner(delay: 0.05)
        let batcher = EmbeddingBatcher(name: "t", batchSize: 2, maxWait: .milliseconds(1)) { try runner.run($0) }
        defer { batcher.shutdown() }
        // Occupy the thread, then queue a big request and cancel it.
        async let first = batcher.embed([[1], [2]])
        try await Task.sleep(for: .milliseconds(10))
        let doomed = Task { try await batcher.embed((0..<40).map { [Int32(100 + $0)] }) }
        try await Task.sleep(for: .milliseconds(5))
        doomed.cancel()
        await #expect(throws: CancellationError.self) { try await doomed.value }
        let kept = try await batcher.embed([[7]])
        #expect(kept == [[7, 1]])
        #expect(try await first == [[1, 1], [2, 1]])
        let ran = runner.batches.flatMap { $0 }
        #expect(ran.filter { $0 >= 100 }.count < 40, "cancelled texts should not all run")
    }

    @Test("a failing run fails its requests, and the batcher keeps serving")
    func failure() async throws {
        let runner = RecordingRunner(delay: 0, failOn: 666)
        let batcher = EmbeddingBatcher(name: "t", batchSize: 8, maxWait: .milliseconds(1)) { try runner.run($0) }
        defer { batcher.shutdown() }
        await #expect(throws: ServingError.self) { try await batcher.embed([[666]]) }
        #expect(try await batcher.embed([[3]]) == [[3, 1]])
    }

    @Test("after shutdown requests fail as shutting down")
    func shutdown() async throws {
        let batcher = EmbeddingBatcher(name: "t", batchSize: 8, maxWait: .milliseconds(1)) { $0.map { _ in [0] } }
        batcher.shutdown()
        let error = await #expect(throws: ServingError.self) { try await batcher.embed([[1]]) }
        #expect(error?.code == .shuttingDown)
    }

    @Test("the real model through the batcher: concurrent requests equal single runs")
    func realModel() async throws {
        let model = try CoreTestEnvironment.model()
        let batcher = EmbeddingBatcher(name: "real", batchSize: 8, maxWait: .milliseconds(2)) { try model.run($0) }
        defer { batcher.shutdown() }
        let references = Array(try EmbeddingReference.all().prefix(24))
        try await withThrowingTaskGroup(of: Void.self) { group in
            for reference in references {
                group.addTask {
                    let ids = model.tokenizer.encode(reference.text, maxLength: model.maxTokens)
                    let vector = try await batcher.embed([ids])[0]
                    #expect(cosine(vector, reference.meanVector) >= 0.9999)
                }
            }
            try await group.waitForAll()
        }
        #expect(batcher.runCount < references.count)
    }
}
