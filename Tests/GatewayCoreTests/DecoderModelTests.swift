import Foundation
import Testing
@testable import GatewayCore
@testable import ONNXRuntime

/// The decode engine's base, the raw ONNX Runtime session of the default chat folder with our own KV cache, against
/// onnxruntime-genai's Python API (`tools/genai_fixtures.py` wrote the greedy outputs it must reproduce).
@Suite(.serialized) struct DecoderModelTests {
    struct Reference: Decodable {
        struct Chat: Decodable {
            let name: String
            let promptIDs: [Int32]
            let greedyIDs: [Int32]

            enum CodingKeys: String, CodingKey {
                case name
                case promptIDs = "prompt_ids"
                case greedyIDs = "greedy_ids"
            }
        }

        let chats: [Chat]
    }

    static let folder = CoreTestEnvironment.root.appendingPathComponent("models/smollm2-135m-instruct")

    static func reference() throws -> Reference {
        let file = CoreTestEnvironment.root.appendingPathComponent("Tests/ONNXRuntimeTests/Fixtures/genai_reference.json")
        return try JSONDecoder().decode(Reference.self, from: Data(contentsOf: file))
    }

    static func model() throws -> DecoderModel {
        try DecoderModel(directory: folder, runtime: CoreTestEnvironment.runtime(),
                         configuration: SessionConfiguration(intraOpThreads: 2, providers: [.cpu]))
    }

    static func argmax(_ logits: [Float]) -> Int32 {
        var best = 0
        for index in logits.indices where logits[index] > logits[best] { best = index }
        return Int32(best)
    }

    /// Greedy tokens for `prompt` on `row`, of which `reused` positions are already in the cache.
    static func greedy(_ model: DecoderModel, cache: KVCache, row: Int, prompt: [Int32], reused: Int = 0,
                       count: Int) throws -> [Int32] {
        var logits = try model.forward(tokens: Array(prompt[reused...]), row: row, past: reused, cache: cache)
        var past = prompt.count
        var out: [Int32] = []
        while out.count < count {
            let token = argmax(logits)
            out.append(token)
            if model.config.eosTokenIDs.contains(token) { break }
            logits = try model.forward(tokens: [token], row: row, past: past, cache: cache)
            past += 1
        }
        return out
    }

    @Test("the config of the default chat folder: 30 layers, 3 KV heads of 64, vocabulary 49152")
    func config() throws {
        let config = try DecoderConfig.load(directory: Self.folder)
        #expect(config.layers == 30 && config.kvHeads == 3 && config.headSize == 64)
        #expect(config.vocabularySize == 49152 && config.contextLength == 8192 && config.eosTokenIDs == [2])
        #expect(DecoderConfig.name(config.pastKey, layer: 7) == "past_key_values.7.key")
    }

    @Test("greedy output equals onnxruntime-genai's on every reference chat")
    func greedyMatchesGenAI() throws {
        let model = try Self.model()
        let cache = KVCache(rows: 2, maxLength: 512, config: model.config)
        for chat in try Self.reference().chats {
            let out = try Self.greedy(model, cache: cache, row: 1, prompt: chat.promptIDs, count: chat.greedyIDs.count)
            #expect(out == chat.greedyIDs, "\(chat.name)")
        }
    }

    @Test("a prefix cached by an earlier request gives the same tokens as a cold run")
    func prefixReuse() throws {
        let model = try Self.model()
        let cache = KVCache(rows: 1, maxLength: 512, config: model.config)
        let chats = try Self.reference().chats
        let multi = try #require(chats.first { $0.name == "multi-turn" })
        // First the shorter conversation that shares the system prompt and first user turn.
        var prefixCache = PrefixCache(rows: 1)
        let first = try #require(chats.first { $0.name == "single user turn" })
        let a = try acquire(&prefixCache, first.promptIDs)
        _ = try Self.greedy(model, cache: cache, row: a.row, prompt: first.promptIDs, count: 4)
        prefixCache.update(row: a.row, tokens: first.promptIDs)
        prefixCache.release(row: a.row)
        let b = try acquire(&prefixCache, multi.promptIDs)
        #expect(b.reused == PrefixCache.commonPrefix(first.promptIDs, multi.promptIDs))
        #expect(b.reused > 10, "the system prompt is shared")
        let warm = try Self.greedy(model, cache: cache, row: b.row, prompt: multi.promptIDs, reused: b.reused,
                                   count: multi.greedyIDs.count)
        #expect(warm == multi.greedyIDs)
        // The same prompt again: all but its last two tokens come from the cache (two run, as in a cold run's chunk).
        prefixCache.update(row: b.row, tokens: multi.promptIDs)
        prefixCache.release(row: b.row)
        let c = try acquire(&prefixCache, multi.promptIDs)
        #expect(c.reused == multi.promptIDs.count - 2)
        let again = try Self.greedy(model, cache: cache, row: c.row, prompt: multi.promptIDs, reused: c.reused,
                                    count: multi.greedyIDs.count)
        #expect(again == multi.greedyIDs)
    }

    @Test("rows of different lengths decoded in one step get the logits each gets alone")
    func batchedRowsMatchAlone() throws {
        let model = try Self.model()
        let chats = try Self.reference().chats
        let prompts = Array(chats.prefix(3).map(\.promptIDs))
        let together = KVCache(rows: prompts.count, maxLength: 256, config: model.config)
        var pasts: [Int] = []
        var next: [Int32] = []
        for (row, prompt) in prompts.enumerated() {
            next.append(Self.argmax(try model.forward(tokens: prompt, row: row, past: 0, cache: together)))
            pasts.append(prompt.count)
        }
        var batched: [[Int32]] = Array(repeating: [], count: prompts.count)
        for _ in 0..<8 {
            let logits = try model.decode(tokens: next, rows: 0..<prompts.count, pasts: pasts, cache: together)
            for row in prompts.indices {
                batched[row].append(next[row])
                next[row] = Self.argmax(logits[row])
                pasts[row] += 1
            }
        }
        for (index, chat) in chats.prefix(3).enumerated() {
            let alone = Array(chat.greedyIDs.prefix(8))
            #expect(Array(batched[index].prefix(alone.count)) == alone, "\(chat.name)")
        }
    }

    @Test("a history copied to another row continues exactly as in its own row (the prefix cache's moves)")
    func copiedRowContinuesExactly() throws {
        let model = try Self.model()
        let chat = try #require(try Self.reference().chats.first)
        let prompt = chat.promptIDs
        let cache = KVCache(rows: 3, maxLength: 256, config: model.config)
        // The prompt but its last two tokens runs in row 0, then moves to row 2; row 0 takes other tokens.
        let head = Array(prompt.dropLast(2))
        _ = try model.forward(tokens: head, row: 0, past: 0, cache: cache)
        cache.copyRow(0, to: 2, length: head.count)
        _ = try model.forward(tokens: [5, 6, 7, 8], row: 0, past: 0, cache: cache)
        let first = Self.argmax(try model.forward(tokens: Array(prompt.suffix(2)), row: 2, past: head.count,
                                                  cache: cache))
        var tokens = [first]
        var past = prompt.count
        while tokens.count < 8 {
            let logits = try model.decode(tokens: [tokens[tokens.count - 1]], rows: 2..<3, pasts: [past], cache: cache)
            tokens.append(Self.argmax(logits[0]))
            past += 1
        }
        #expect(tokens == Array(chat.greedyIDs.prefix(8)), "onnxruntime-genai's greedy tokens")
    }

    @Test("bad rows, lengths and empty input are errors, never traps")
    func badInputs() throws {
        let model = try Self.model()
        let cache = KVCache(rows: 1, maxLength: 16, config: model.config)
        #expect(throws: DecoderError.self) { try model.forward(tokens: [], row: 0, past: 0, cache: cache) }
        #expect(throws: DecoderError.self) { try model.forward(tokens: [1], row: 1, past: 0, cache: cache) }
        #expect(throws: DecoderError.self) { try model.forward(tokens: [1, 2], row: 0, past: 15, cache: cache) }
        #expect(throws: DecoderError.self) { try model.forward(tokens: [1], row: 0, past: -1, cache: cache) }
        #expect(throws: DecoderError.self) {
            try model.decode(tokens: [1, 2], rows: 0..<1, pasts: [0], cache: cache)
        }
        #expect(throws: DecoderError.self) { try model.decode(tokens: [1], rows: 0..<1, pasts: [16], cache: cache) }
        #expect(throws: DecoderError.self) { try model.decode(tokens: [], rows: 0..<0, pasts: [], cache: cache) }
    }
}

/// `cache.acquire(prompt:)`, required to succeed.
func acquire(_ cache: inout PrefixCache, _ prompt: [Int32], sourceLocation: SourceLocation = #_sourceLocation) throws
    -> (row: Int, reused: Int, move: PrefixCache.Move?)
{
    let taken = cache.acquire(prompt: prompt)
    return try #require(taken, sourceLocation: sourceLocation)
}

/// The prefix cache's bookkeeping alone.
@Suite struct PrefixCacheTests {
    @Test("the longest common prefix wins; the last two prompt tokens always run; rows in use are skipped")
    func choosesLongestPrefix() throws {
        var cache = PrefixCache(rows: 3)
        let a = try acquire(&cache, [1, 2, 3])
        cache.update(row: a.row, tokens: [1, 2, 3, 9])
        cache.release(row: a.row)
        let b = try acquire(&cache, [5, 6])
        #expect(b.row != a.row && b.reused == 0)
        cache.update(row: b.row, tokens: [5, 6, 7])
        cache.release(row: b.row)
        let c = try acquire(&cache, [1, 2, 3, 9, 10, 11])
        #expect(c.row == a.row && c.reused == 4)
        let d = try acquire(&cache, [1, 2, 3, 9, 10, 11])
        #expect(d.row != a.row, "a row in use is never shared")
        let e = try acquire(&cache, [5, 6])
        #expect(e.reused == 0, "two tokens always run")
        let none = cache.acquire(prompt: [1])
        #expect(none == nil, "every row in use")
        cache.release(row: c.row)
        let f = try acquire(&cache, [1, 2, 3, 9, 10, 11])
        #expect(f.row == a.row && f.reused == 4)
        cache.release(row: f.row)
        let g = try acquire(&cache, [1, 2, 3, 9, 10])
        #expect(g.row == a.row && g.reused == 3, "at most all but the last two")
    }

    @Test("among rows that reuse about as much, the one next to the rows in use is taken, so steps stay narrow")
    func compactRange() throws {
        var cache = PrefixCache(rows: 8)
        // Rows 0...7 hold old conversations; rows 6 and 7 are the least recently used.
        for row in 0..<8 {
            let taken = try acquire(&cache, [Int32(100 + row), 1, 2])
            cache.update(row: taken.row, tokens: [Int32(100 + row), 1, 2, 3])
        }
        for row in [6, 7, 0, 1, 2, 3, 4, 5] { cache.release(row: row) }
        let first = try acquire(&cache, [9, 9, 9])
        #expect(first.row == 6, "nothing in use: the least recently used")
        let second = try acquire(&cache, [8, 8, 8])
        #expect(second.row == 5 || second.row == 7, "next to row 6, not the LRU row 0: got \(second.row)")
        // A long shared prefix still wins over compactness.
        cache.update(row: 0, tokens: [])
        cache.release(row: 0)
        let long = [Int32](repeating: 4, count: 100)
        _ = try acquire(&cache, long)
        let rows = cache.rows.indices.filter { cache.rows[$0].inUse }
        cache.update(row: rows.first { $0 != 6 && $0 != second.row } ?? 0, tokens: long)
        for row in rows where row != 6 && row != second.row { cache.release(row: row) }
        let again = try acquire(&cache, long + [5, 5])
        #expect(again.reused == 100)
    }

    @Test("a long history next to the rows in use moves to a spare row; the request takes its place")
    func keepsLongHistories() throws {
        var cache = PrefixCache(rows: 4)
        let busy = try acquire(&cache, [1, 2, 3])
        // The row next to the busy one holds another conversation's 200 tokens; the far rows are empty.
        let history = try acquire(&cache, [7, 7, 7])
        #expect(history.row == busy.row + 1 && history.move == nil)
        let conversation = [Int32](repeating: 7, count: 200)
        cache.update(row: history.row, tokens: conversation)
        cache.release(row: history.row)
        let fresh = try acquire(&cache, [9, 9, 9])
        #expect(fresh.row == history.row, "the row next to the busy one, so steps stay narrow")
        let move = try #require(fresh.move)
        #expect(move.from == history.row && move.length == 200 && move.to != busy.row && move.to != fresh.row)
        #expect(cache.rows[move.to].tokens == conversation && !cache.rows[move.to].inUse)
        // The conversation comes back and finds its history in the spare row.
        let back = try acquire(&cache, conversation + [8, 8])
        #expect(back.row == move.to && back.reused == 200)
        // With no spare row the history gives way: nothing moves.
        var full = PrefixCache(rows: 2)
        let first = try acquire(&full, [1, 2, 3])
        let second = try acquire(&full, [4, 5, 6])
        full.update(row: second.row, tokens: conversation)
        full.release(row: second.row)
        let third = try acquire(&full, [9, 9, 9])
        #expect(third.row == second.row && third.move == nil)
        _ = first
    }

    @Test("when every free row holds a long history, the one next to the rows in use is given up, not the LRU one")
    func compactAmongHistories() throws {
        var cache = PrefixCache(rows: 8)
        for row in 0..<8 {
            let taken = try acquire(&cache, [Int32(100 + row), 1, 2])
            cache.update(row: taken.row, tokens: [Int32](repeating: Int32(100 + row), count: 120))
        }
        for row in [7, 0, 1, 2, 3, 4, 5, 6] { cache.release(row: row) }
        var taken: [Int] = []
        for stream in 0..<4 { taken.append(try acquire(&cache, [9, 9, Int32(stream)]).row) }
        #expect(taken.first == 7, "nothing in use: the least recently used")
        #expect((taken.max() ?? 0) - (taken.min() ?? 0) == 3, "four streams in four neighbouring rows: \(taken)")
    }

    @Test("among rows with nothing in common, the least recently used is taken")
    func leastRecentlyUsed() throws {
        var cache = PrefixCache(rows: 2)
        let first = try acquire(&cache, [1])
        let second = try acquire(&cache, [2])
        cache.update(row: first.row, tokens: [1])
        cache.update(row: second.row, tokens: [2])
        cache.release(row: second.row)
        cache.release(row: first.row)
        let taken = cache.acquire(prompt: [7])
        #expect(taken?.row == second.row)
    }
}
