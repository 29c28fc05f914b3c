import Foundation
import Testing
@testable import GatewayCore

@Suite("Stop strings across token boundaries")
struct StopSequenceMatcherTests {
    func run(_ pieces: [String], stops: [String]) -> (text: String, stopped: Bool) {
        var matcher = StopSequenceMatcher(stops: stops)
        var text = ""
        for piece in pieces {
            let (emit, stopped) = matcher.feed(piece)
            text += emit
            if stopped { return (text, true) }
        }
        return (text + matcher.flush(), false)
    }

    @Test("a stop string split over pieces is found and never emitted")
    func splitStop() {
        #expect(run(["Hello", " wor", "ld", "!"], stops: ["world"]) == ("Hello ", true))
        #expect(run(["a", "b", "<", "|", "end", "|>", "c"], stops: ["<|end|>"]) == ("ab", true))
    }

    @Test("held-back text that turns out not to be a stop is emitted, in order")
    func falseAlarm() {
        var matcher = StopSequenceMatcher(stops: ["\n\nUser:"])
        #expect(matcher.feed("one\n") == ("one", false))
        #expect(matcher.feed("\nUs") == ("", false))
        #expect(matcher.feed("ually") == ("\n\nUsually", false))
        #expect(run(["x\n"], stops: ["\n\n"]) == ("x\n", false))
    }

    @Test("the earliest of several stops wins; no stops passes everything through")
    func severalStops() {
        #expect(run(["the cat sat on the mat"], stops: ["mat", "cat"]) == ("the ", true))
        #expect(run(["abc", "def"], stops: []) == ("abcdef", false))
        #expect(run(["abc"], stops: [""]) == ("abc", false))
    }

    @Test("multi-byte characters and emoji are matched as text")
    func unicode() {
        #expect(run(["naïve ", "🙂", " end"], stops: ["🙂"]) == ("naïve ", true))
    }
}

@Suite("Penalties and log-probabilities")
struct LogitsMathTests {
    @Test("OpenAI's presence and frequency penalties")
    func penalties() {
        var logits: [Float] = [1, 1, 1, 1]
        LogitsMath.applyPenalties(&logits, counts: [1: 2, 3: 1], presence: 0.5, frequency: 0.25)
        #expect(logits == [1, 1 - 0.5 - 0.5, 1, 1 - 0.5 - 0.25])
        var untouched: [Float] = [1, 2]
        LogitsMath.applyPenalties(&untouched, counts: [0: 3], presence: 0, frequency: 0)
        #expect(untouched == [1, 2])
    }

    @Test("log-softmax of the chosen token and the top alternatives, best first")
    func logprobs() {
        let logits: [Float] = [0, 9, 1, 2, 3]  // the row is indices 1..<5
        let result = LogitsMath.logprobs(logits, range: 1..<5, token: 2, top: 3)
        let expected = log(exp(2.0) / (exp(9.0) + exp(1.0) + exp(2.0) + exp(3.0)))
        #expect(abs(result.chosen - expected) < 1e-6)
        #expect(result.top.map(\.token) == [0, 3, 2])
        #expect(result.top.allSatisfy { $0.logprob <= 0 })
        let total = result.top.map { exp($0.logprob) }.reduce(0, +)
        #expect(total < 1)
        #expect(LogitsMath.logprobs(logits, range: 1..<5, token: 0, top: 0).top.isEmpty)
    }
}

@Suite("Generation admission")
struct GenerationSchedulerTests {
    @Test("runs up to the limit, queues up to the queue size, refuses the rest, first come first served")
    func admission() {
        var state = GenerationSchedulerState(maxParallel: 2, maxQueued: 2)
        #expect(state.submit(1) == .run)
        #expect(state.submit(2) == .run)
        #expect(state.submit(3) == .wait)
        #expect(state.submit(4) == .wait)
        #expect(state.submit(5) == .reject)
        #expect(state.remove(1) == [3])
        #expect(state.remove(4) == [])  // a waiting one gave up
        #expect(state.queue.isEmpty)
        #expect(state.remove(2) == [])
        #expect(state.running == [3])
    }

    @Test("a full queue is a 429; a waiting task that is cancelled leaves the queue")
    func ownerBehaviour() async throws {
        let scheduler = GenerationScheduler(maxParallel: 1, maxQueued: 1)
        let first = try await scheduler.acquire()
        let waiting = Task { try await scheduler.acquire() }
        while scheduler.queuedCount == 0 { try await Task.sleep(for: .milliseconds(1)) }
        let error = await #expect(throws: GatewayError.self) { _ = try await scheduler.acquire() }
        #expect(error?.kind == .rateLimited)
        waiting.cancel()
        await #expect(throws: CancellationError.self) { _ = try await waiting.value }
        #expect(scheduler.queuedCount == 0)
        scheduler.release(first)
        #expect(scheduler.activeCount == 0)
        let next = try await scheduler.acquire()
        #expect(scheduler.activeCount == 1)
        scheduler.release(next)
    }

    @Test("a waiting generation starts when a slot frees")
    func handoff() async throws {
        let scheduler = GenerationScheduler(maxParallel: 1, maxQueued: 4)
        let first = try await scheduler.acquire()
        let second = Task { try await scheduler.acquire() }
        while scheduler.queuedCount == 0 { try await Task.sleep(for: .milliseconds(1)) }
        scheduler.release(first)
        let ticket = try await second.value
        #expect(scheduler.activeCount == 1)
        scheduler.release(ticket)
        #expect(scheduler.activeCount == 0)
    }
}
