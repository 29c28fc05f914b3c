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

@Suite("Chat wave planning")
struct WavePlannerTests {
    let start = ContinuousClock.now
    let greedy = SamplingKey(GenerationParameters(temperature: 0))

    @Test("a request waits the window for company, then starts alone")
    func window() {
        var planner = WavePlanner(maxBatch: 4, maxWaves: 1, maxQueued: 4, window: .milliseconds(10))
        #expect(planner.next(now: start) == .idle)
        let submitted1 = planner.submit(id: 1, key: greedy, now: start)
        #expect(submitted1)
        #expect(planner.next(now: start + .milliseconds(5)) == .wait(until: start + .milliseconds(10)))
        #expect(planner.next(now: start + .milliseconds(10)) == .start([1]))
        #expect(planner.runningWaves == 1)
    }

    @Test("a full batch of compatible requests starts at once; incompatible ones wait for their own wave")
    func compatibility() {
        var planner = WavePlanner(maxBatch: 2, maxWaves: 2, maxQueued: 8, window: .seconds(1))
        let sampled = SamplingKey(GenerationParameters(temperature: 0.7, seed: 1))
        let submitted1 = planner.submit(id: 1, key: greedy, now: start)
        #expect(submitted1)
        let submitted2 = planner.submit(id: 2, key: sampled, now: start)
        #expect(submitted2)
        let submitted3 = planner.submit(id: 3, key: greedy, now: start)
        #expect(submitted3)
        #expect(planner.next(now: start) == .start([1, 3]))
        #expect(planner.next(now: start) == .wait(until: start + .seconds(1)))
        #expect(planner.next(now: start + .seconds(1)) == .start([2]))
        #expect(planner.next(now: start + .seconds(2)) == .idle)
    }

    @Test("at most maxWaves run; the next starts when one ends; a full queue refuses")
    func limits() {
        var planner = WavePlanner(maxBatch: 1, maxWaves: 1, maxQueued: 1, window: .zero)
        let submitted1 = planner.submit(id: 1, key: greedy, now: start)
        #expect(submitted1)
        #expect(planner.next(now: start) == .start([1]))
        let submitted2 = planner.submit(id: 2, key: greedy, now: start)
        #expect(submitted2)
        let submitted3 = planner.submit(id: 3, key: greedy, now: start)
        #expect(!submitted3, "queue full while the only wave runs")
        #expect(planner.next(now: start) == .idle)
        planner.waveEnded()
        #expect(planner.next(now: start) == .start([2]))
    }

    @Test("a cancelled waiting request leaves the queue")
    func cancel() {
        var planner = WavePlanner(maxBatch: 4, maxWaves: 1, maxQueued: 4, window: .milliseconds(1))
        let submitted1 = planner.submit(id: 1, key: greedy, now: start)
        #expect(submitted1)
        planner.cancel(id: 1)
        #expect(planner.next(now: start + .seconds(1)) == .idle)
    }

    @Test("greedy requests share a key whatever their other sampling fields; sampled ones differ by seed")
    func keys() {
        #expect(SamplingKey(GenerationParameters(temperature: 0, topP: 0.5, seed: 3)) == greedy)
        #expect(SamplingKey(GenerationParameters(temperature: 1, seed: 1))
            != SamplingKey(GenerationParameters(temperature: 1, seed: 2)))
    }
}
