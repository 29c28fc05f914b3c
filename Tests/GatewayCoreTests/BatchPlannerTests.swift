import Testing
@testable import GatewayCore

@Suite("Batch planner decisions")
struct BatchPlannerTests {
    let start = ContinuousClock.now

    @Test("an item waits for company until maxWait, then runs alone")
    func waitsThenRuns() {
        var planner = BatchPlanner(batchSize: 4, maxWait: .milliseconds(2))
        #expect(planner.next(now: start) == .idle)
        planner.enqueue(request: 1, lengths: [5], now: start)
        #expect(planner.next(now: start + .milliseconds(1)) == .wait(until: start + .milliseconds(2)))
        guard case .run(let batches) = planner.next(now: start + .milliseconds(2)) else {
            Issue.record("expected a run")
            return
        }
        #expect(batches.map { $0.map(\.request) } == [[1]])
        #expect(planner.next(now: start + .milliseconds(3)) == .idle)
    }

    @Test("a full batch runs at once, sorted by length")
    func fullBatchRunsSorted() {
        var planner = BatchPlanner(batchSize: 4, maxWait: .seconds(1))
        planner.enqueue(request: 1, lengths: [50, 3], now: start)
        planner.enqueue(request: 2, lengths: [20, 7], now: start)
        guard case .run(let batches) = planner.next(now: start) else {
            Issue.record("expected a run")
            return
        }
        #expect(batches.count == 1)
        #expect(batches[0].map(\.length) == [3, 7, 20, 50])
        #expect(batches[0].map(\.request) == [1, 2, 2, 1])
        #expect(batches[0].map(\.index) == [1, 1, 0, 0])
    }

    @Test("a large request is split into batches and a round is capped so later requests are not starved")
    func splitsAndCaps() {
        var planner = BatchPlanner(batchSize: 32, maxWait: .milliseconds(2), maxItemsPerRound: 128)
        planner.enqueue(request: 1, lengths: (0..<2048).map { $0 % 97 }, now: start)
        planner.enqueue(request: 2, lengths: [1], now: start + .milliseconds(1))
        guard case .run(let first) = planner.next(now: start) else {
            Issue.record("expected a run")
            return
        }
        #expect(first.count == 4)
        #expect(first.allSatisfy { $0.count == 32 })
        #expect(first.flatMap { $0 }.allSatisfy { $0.request == 1 })
        let lengths = first.flatMap { $0 }.map(\.length)
        #expect(lengths == lengths.sorted())
        #expect(planner.pending.count == 2048 - 128 + 1)
    }

    @Test("a token budget puts long texts in small batches and short ones in large batches")
    func tokenBudget() {
        var planner = BatchPlanner(batchSize: 8, maxWait: .zero, maxBatchTokens: 100)
        planner.enqueue(request: 1, lengths: [10, 10, 10, 10, 10, 50, 50, 50, 200], now: start)
        guard case .run(let batches) = planner.next(now: start) else {
            Issue.record("expected a run")
            return
        }
        #expect(batches.map { $0.map(\.length) } == [[10, 10, 10, 10, 10], [50, 50], [50], [200]])
    }

    @Test("cancelling a request drops its pending items")
    func cancelDrops() {
        var planner = BatchPlanner(batchSize: 8, maxWait: .milliseconds(2))
        planner.enqueue(request: 1, lengths: [1, 2, 3], now: start)
        planner.enqueue(request: 2, lengths: [4], now: start)
        planner.cancel(request: 1)
        #expect(planner.pending.map(\.request) == [2])
        planner.cancel(request: 2)
        #expect(planner.next(now: start + .seconds(1)) == .idle)
    }
}
