import Foundation
import Testing
@testable import GatewayCore
@testable import ONNXRuntime

/// The decode engine end to end on the default chat folder (real ONNX Runtime): its text is each token's id, so
/// tests compare token sequences with onnxruntime-genai's (`tools/genai_fixtures.py`).
@Suite(.serialized) struct DecodeEngineTests {
    /// Emits each token as its id and a space.
    static let ids = DecodeEngine.Detokenizer(makeStream: { { token in "\(token) " } }, tokenText: { "\($0)" })

    static func engine(rows: Int = 8, rowLength: Int = 2048, maxQueued: Int = 16) throws -> DecodeEngine {
        let model = try DecoderModelTests.model()
        return try DecodeEngine(name: "test", model: model, rows: rows, rowLength: rowLength, maxQueued: maxQueued,
                            eos: model.config.eosTokenIDs, metrics: EngineMetrics(model: "test", provider: "cpu"),
                            detokenizer: ids)
    }

    struct Outcome: Sendable {
        var tokens: [Int32] = []
        var finish: FinishReason?
        var usage: GenerationUsage?
        var error: String?
    }

    /// Runs one generation to its end and collects its tokens.
    static func generate(_ engine: DecodeEngine, prompt: [Int32], parameters: GenerationParameters,
                         stop: StopFlag = StopFlag()) async -> Outcome {
        let (stream, continuation) = AsyncThrowingStream<GenerationEvent, any Error>.makeStream()
        do {
            _ = try engine.submit(prompt: prompt, parameters: parameters, emit: { continuation.yield($0) },
                                  stop: stop) { error in
                if let error { continuation.finish(throwing: error) } else { continuation.finish() }
            }
        } catch {
            return Outcome(error: "\(error)")
        }
        var outcome = Outcome()
        do {
            for try await event in stream {
                switch event {
                case .text(let text, _):
                    outcome.tokens += text.split(separator: " ").compactMap { Int32($0) }
                case .finished(let reason, let usage):
                    outcome.finish = reason
                    outcome.usage = usage
                }
            }
        } catch {
            outcome.error = "\(error)"
        }
        return outcome
    }

    @Test("greedy output equals onnxruntime-genai's on every reference chat, one at a time and all at once")
    func greedyMatchesGenAI() async throws {
        let engine = try Self.engine()
        defer { engine.shutdown() }
        let chats = try DecoderModelTests.reference().chats
        for chat in chats {
            let outcome = await Self.generate(engine, prompt: chat.promptIDs,
                                              parameters: .init(maxTokens: chat.greedyIDs.count, temperature: 0))
            #expect(outcome.tokens == chat.greedyIDs.filter { $0 != 2 }, "\(chat.name)")
        }
        let together = await withTaskGroup(of: (Int, Outcome).self) { group in
            for (index, chat) in chats.enumerated() {
                group.addTask {
                    (index, await Self.generate(engine, prompt: chat.promptIDs,
                                                parameters: .init(maxTokens: chat.greedyIDs.count, temperature: 0)))
                }
            }
            var results: [Int: Outcome] = [:]
            for await (index, outcome) in group { results[index] = outcome }
            return results
        }
        for (index, chat) in chats.enumerated() {
            #expect(together[index]?.tokens == chat.greedyIDs.filter { $0 != 2 }, "\(chat.name) in a batch")
        }
    }
}

extension DecodeEngineTests {
    @Test("a prefix-cache hit gives the cold run's tokens and reports the cached prompt tokens")
    func prefixHit() async throws {
        let engine = try Self.engine()
        defer { engine.shutdown() }
        let chats = try DecoderModelTests.reference().chats
        for chat in chats {
            let greedy = GenerationParameters(maxTokens: chat.greedyIDs.count, temperature: 0)
            let cold = await Self.generate(engine, prompt: chat.promptIDs, parameters: greedy)
            let warm = await Self.generate(engine, prompt: chat.promptIDs, parameters: greedy)
            #expect(cold.tokens == chat.greedyIDs.filter { $0 != 2 }, "\(chat.name)")
            #expect(warm.tokens == cold.tokens, "\(chat.name)")
            #expect(warm.usage?.cachedTokens == chat.promptIDs.count - 2)
            #expect(warm.usage?.promptTokens == chat.promptIDs.count)
        }
        // A conversation that continues an earlier one reuses its prompt (the system prompt at least).
        let first = try #require(chats.first { $0.name == "single user turn" })
        let multi = try #require(chats.first { $0.name == "multi-turn" })
        _ = await Self.generate(engine, prompt: first.promptIDs, parameters: .init(maxTokens: 2, temperature: 0))
        let continued = await Self.generate(engine, prompt: multi.promptIDs,
                                            parameters: .init(maxTokens: multi.greedyIDs.count, temperature: 0))
        #expect(continued.tokens == multi.greedyIDs.filter { $0 != 2 })
        #expect((continued.usage?.cachedTokens ?? 0) >= PrefixCache.commonPrefix(first.promptIDs, multi.promptIDs))
    }

    @Test("a seeded sampled request gives the same tokens alone and in a busy batch")
    func seededInBatch() async throws {
        let engine = try Self.engine()
        defer { engine.shutdown() }
        let chats = try DecoderModelTests.reference().chats
        let seeded = GenerationParameters(maxTokens: 24, temperature: 0.9, topP: 0.95, seed: 1234)
        let alone = await Self.generate(engine, prompt: chats[3].promptIDs, parameters: seeded)
        #expect(alone.tokens.count > 4)
        let busy = await withTaskGroup(of: (Int, Outcome).self) { group in
            for (index, chat) in chats.enumerated() {
                let parameters = index == 3 ? seeded
                    : GenerationParameters(maxTokens: 20 + index, temperature: 1.2, topK: 40, seed: UInt64(index))
                group.addTask { (index, await Self.generate(engine, prompt: chat.promptIDs, parameters: parameters)) }
            }
            var results: [Int: Outcome] = [:]
            for await (index, outcome) in group { results[index] = outcome }
            return results
        }
        #expect(busy[3]?.tokens == alone.tokens)
        let again = await Self.generate(engine, prompt: chats[3].promptIDs,
                                        parameters: GenerationParameters(maxTokens: 24, temperature: 0.9, topP: 0.95,
                                                                         seed: 1235))
        #expect(again.tokens != alone.tokens, "another seed, another sample")
    }

    @Test("16 concurrent requests with different lengths, sampling, stops and logprobs all finish correctly")
    func sixteenStreams() async throws {
        let engine = try Self.engine(rows: 8, rowLength: 512, maxQueued: 16)
        defer { engine.shutdown() }
        let chats = try DecoderModelTests.reference().chats
        let results = await withTaskGroup(of: (Int, Outcome, Int).self) { group in
            for index in 0..<16 {
                let chat = chats[index % chats.count]
                var parameters = GenerationParameters(maxTokens: 4 + index)
                switch index % 4 {
                case 0: parameters.temperature = 0
                case 1: parameters.temperature = 0.7; parameters.seed = UInt64(index)
                case 2: parameters.temperature = 0; parameters.logprobs = true; parameters.topLogprobs = 3
                default: parameters.temperature = 0; parameters.stop = [" \(chat.greedyIDs[2]) "]
                }
                let cut = index % 4 == 3 ? 0 : index % 3
                let prompt = Array(chat.promptIDs.prefix(chat.promptIDs.count - cut))
                group.addTask {
                    let (stream, continuation) = AsyncThrowingStream<GenerationEvent, any Error>.makeStream()
                    _ = try? engine.submit(prompt: prompt, parameters: parameters, emit: { continuation.yield($0) },
                                           stop: StopFlag()) { _ in continuation.finish() }
                    var outcome = Outcome()
                    var logprobCount = 0
                    do {
                        for try await event in stream {
                            switch event {
                            case .text(let text, let logprobs):
                                outcome.tokens += text.split(separator: " ").compactMap { Int32($0) }
                                logprobCount += logprobs.count
                                #expect(logprobs.allSatisfy { $0.top.count == 3 && $0.chosen.logprob <= 0 })
                            case .finished(let reason, let usage):
                                outcome.finish = reason
                                outcome.usage = usage
                            }
                        }
                    } catch {}
                    return (index, outcome, logprobCount)
                }
            }
            var results: [Int: (Outcome, Int)] = [:]
            for await (index, outcome, logprobs) in group { results[index] = (outcome, logprobs) }
            return results
        }
        for index in 0..<16 {
            let (outcome, logprobs) = try #require(results[index])
            let chat = chats[index % chats.count]
            #expect(outcome.finish != nil, "request \(index) finished")
            #expect(outcome.usage?.completionTokens ?? 0 <= 4 + index)
            #expect(outcome.usage?.promptTokens == chat.promptIDs.count - (index % 4 == 3 ? 0 : index % 3))
            if index % 4 == 2 { #expect(logprobs == outcome.usage?.completionTokens) }
            if index % 4 == 3 {
                #expect(outcome.finish == .stop && outcome.tokens == Array(chat.greedyIDs.prefix(2)),
                        "stopped before the stop string")
            }
            if index % 4 == 0, index % 3 == 0 {
                #expect(outcome.tokens == Array(chat.greedyIDs.filter { $0 != 2 }.prefix(4 + index)))
            }
        }
        #expect(engine.activeCount == 0 && engine.queuedCount == 0)
    }

    @Test("cancelling mid-prefill and mid-decode frees the row; a full queue refuses; shutdown ends as length")
    func cancellation() async throws {
        let engine = try Self.engine(rows: 1, rowLength: 512, maxQueued: 1)
        defer { engine.shutdown() }
        let chats = try DecoderModelTests.reference().chats
        // Mid-decode: stop after the first piece.
        let stop = StopFlag()
        let (stream, continuation) = AsyncThrowingStream<GenerationEvent, any Error>.makeStream()
        _ = try engine.submit(prompt: chats[0].promptIDs, parameters: .init(maxTokens: 400, temperature: 0),
                              emit: { continuation.yield($0) }, stop: stop) { error in
            continuation.finish(throwing: error)
        }
        var pieces = 0
        do {
            for try await _ in stream {
                pieces += 1
                if pieces == 1 { stop.set(); engine.cancel(0) }
            }
        } catch is CancellationError {}
        #expect(pieces < 20)
        // The row is free again: a queued request and a running one fit; a third is refused.
        let long = Array(repeating: chats[0].promptIDs, count: 6).joined().map { $0 }
        let first = StopFlag()
        _ = try engine.submit(prompt: Array(long.prefix(400)), parameters: .init(maxTokens: 50, temperature: 0),
                              emit: { _ in }, stop: first) { _ in }
        let second = StopFlag()
        _ = try engine.submit(prompt: chats[1].promptIDs, parameters: .init(maxTokens: 5, temperature: 0),
                              emit: { _ in }, stop: second) { _ in }
        #expect(throws: ServingError.self) {
            try engine.submit(prompt: chats[2].promptIDs, parameters: .init(maxTokens: 5), emit: { _ in },
                              stop: StopFlag()) { _ in }
        }
        // Cancel both (the first mid-prefill at the latest); the engine is idle again with no row in use.
        first.set()
        second.set()
        engine.cancel(0)
        for _ in 0..<200 where engine.activeCount + engine.queuedCount > 0 { try await Task.sleep(for: .milliseconds(10)) }
        #expect(engine.activeCount == 0 && engine.queuedCount == 0)
        let after = await Self.generate(engine, prompt: chats[0].promptIDs,
                                        parameters: .init(maxTokens: chats[0].greedyIDs.count, temperature: 0))
        #expect(after.tokens == chats[0].greedyIDs.filter { $0 != 2 })
        // A prompt that does not fit a row is refused with the context error.
        #expect(throws: ServingError.self) {
            try engine.submit(prompt: Array(repeating: 1, count: 512), parameters: .init(), emit: { _ in },
                              stop: StopFlag()) { _ in }
        }
    }
}

extension DecodeEngineTests {
    @Test("a shutdown ends running requests as length, waiting ones as shutting down, with reentrant consumers")
    func shutdownWithReentrantConsumers() async throws {
        let engine = try Self.engine(rows: 1, rowLength: 512, maxQueued: 4)
        let chats = try DecoderModelTests.reference().chats
        let finishes = LockedValue<[String]>([])
        let firstPiece = AsyncStream<Void>.makeStream()
        let started = LockedValue(false)
        for index in 0..<2 {
            _ = try engine.submit(prompt: chats[index].promptIDs, parameters: .init(maxTokens: 400, temperature: 0),
                                  emit: { event in
                                      if case .finished(let reason, _) = event {
                                          finishes.withLock { $0.append("\(index): \(reason)") }
                                      } else if !started.withLock({ let was = $0; $0 = true; return was }) {
                                          firstPiece.continuation.yield()
                                      }
                                  }, stop: StopFlag()) { error in
                // As ChatEngine's stream termination does: tell the engine (it takes the engine's lock).
                engine.cancel(UInt64(index))
                if let error { finishes.withLock { $0.append("\(index): \(error)") } }
            }
        }
        for await _ in firstPiece.stream { break }
        engine.shutdown()
        let ended = finishes.withLock { $0 }
        #expect(ended.contains("0: length"), "\(ended)")
        #expect(ended.contains { $0.hasPrefix("1: ") && $0.contains("shutting down") }, "\(ended)")
        #expect(throws: ServingError.self) {
            try engine.submit(prompt: chats[0].promptIDs, parameters: .init(), emit: { _ in }, stop: StopFlag()) { _ in }
        }
    }
}

extension DecodeEngineTests {
    @Test("a grammar row (JSON schema) yields valid JSON while other rows run unconstrained")
    func grammarRow() async throws {
        let engine = try Self.engine(rows: 4, rowLength: 512, maxQueued: 4)
        defer { engine.shutdown() }
        let folder = DecoderModelTests.folder
        let tokenizer = try OrtxTokenizer(library: try OrtxLibrary.load(), directory: folder.path)
        let grammars = GrammarSource(tokenizer: tokenizer, vocabularySize: engine.model.config.vocabularySize,
                                     eosTokenIDs: engine.model.config.eosTokenIDs)
        let schema = #"{"type":"object","properties":{"name":{"type":"string","maxLength":20},"age":{"type":"integer"}},"#
            + #""required":["name","age"],"additionalProperties":false}"#
        let chats = try DecoderModelTests.reference().chats
        let constraint = try await grammars.constraint(for: .jsonSchema(schema))
        let outcomes = await withTaskGroup(of: (Int, Outcome).self) { group in
            for index in 0..<3 {
                group.addTask {
                    var parameters = GenerationParameters(maxTokens: 60, temperature: index == 0 ? 0.8 : 0,
                                                          seed: 5)
                    parameters.grammar = index == 0 ? .jsonSchema(schema) : nil
                    let (stream, continuation) = AsyncThrowingStream<GenerationEvent, any Error>.makeStream()
                    do {
                        _ = try engine.submit(prompt: chats[index].promptIDs, parameters: parameters,
                                              constraint: index == 0 ? constraint : nil,
                                              emit: { continuation.yield($0) }, stop: StopFlag()) { error in
                            continuation.finish(throwing: error)
                        }
                    } catch {
                        return (index, Outcome(error: "\(error)"))
                    }
                    var outcome = Outcome()
                    do {
                        for try await event in stream {
                            switch event {
                            case .text(let text, _): outcome.tokens += text.split(separator: " ").compactMap { Int32($0) }
                            case .finished(let reason, let usage): outcome.finish = reason; outcome.usage = usage
                            }
                        }
                    } catch {
                        outcome.error = "\(error)"
                    }
                    return (index, outcome)
                }
            }
            var results: [Int: Outcome] = [:]
            for await (index, outcome) in group { results[index] = outcome }
            return results
        }
        let constrained = try #require(outcomes[0])
        #expect(constrained.error == nil && constrained.finish == .stop, "\(constrained)")
        let text = try tokenizer.decode(constrained.tokens)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], "\(text)")
        #expect(Set(object.keys) == ["name", "age"], "\(text)")
        #expect(object["name"] is String && object["age"] is Int, "\(text)")
        for index in 1..<3 {
            #expect(outcomes[index]?.tokens == Array(chats[index].greedyIDs.filter { $0 != 2 }.prefix(60)),
                    "unconstrained row \(index) is unaffected")
        }
        // A grammar llguidance refuses is the client's error, with its message.
        await #expect(throws: ServingError.self) { try await grammars.constraint(for: .regex("([a-z")) }
    }
}

extension DecodeEngineTests {
    @Test("a conversation continuing an answer reuses prompt and answer and still gives the cold run's tokens")
    func continuedConversation() async throws {
        let engine = try Self.engine(rows: 2, rowLength: 512)
        defer { engine.shutdown() }
        let chats = try DecoderModelTests.reference().chats
        let first = chats[0].promptIDs
        let answer = await Self.generate(engine, prompt: first, parameters: .init(maxTokens: 12, temperature: 0))
        #expect(answer.tokens.count == 12)
        // The next turn: the first prompt, its answer, then more text (the second reference chat's tail).
        let next = first + answer.tokens + Array(chats[1].promptIDs.suffix(10))
        for _ in 0..<200 where engine.activeCount > 0 { try await Task.sleep(for: .milliseconds(5)) }
        try await Task.sleep(for: .milliseconds(200))  // the refresh runs while nothing waits
        let warm = await Self.generate(engine, prompt: next, parameters: .init(maxTokens: 16, temperature: 0))
        #expect((warm.usage?.cachedTokens ?? 0) >= first.count + answer.tokens.count, "\(String(describing: warm.usage))")
        let cold = try Self.engine(rows: 1, rowLength: 512)
        defer { cold.shutdown() }
        let reference = await Self.generate(cold, prompt: next, parameters: .init(maxTokens: 16, temperature: 0))
        #expect(warm.tokens == reference.tokens)
    }
}
