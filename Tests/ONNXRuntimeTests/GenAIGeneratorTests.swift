import Foundation
import Testing
@testable import ONNXRuntime

@Suite("GenAI generator on the real model")
struct GenAIGeneratorTests {
    @Test("greedy output equals Python's, token for token", arguments: GenAIReference.chatsForArguments)
    func greedy(chat: GenAIReference.Chat) throws {
        let model = try GenAITestSupport.model()
        let reference = try GenAITestSupport.reference()
        let output = try GenAITestSupport.greedy(model, prompt: chat.promptIDs, newTokens: reference.newTokens)
        #expect(output == chat.greedyIDs)
        #expect(try GenAITestSupport.tokenizer().decode(output) == chat.greedyText)
    }

    @Test("logits are [batch, 1, vocab]; greedy picks their arg-max; token count follows")
    func logits() throws {
        let model = try GenAITestSupport.model()
        let prompt = try #require(try GenAITestSupport.reference().chats.first).promptIDs
        let generator = try GenAIGenerator(model: model, options: .init(maxLength: prompt.count + 4))
        try generator.append(tokens: prompt)
        #expect(generator.tokenCount == prompt.count)
        for _ in 0..<3 {
            let (values, shape) = try generator.logits()
            #expect(shape == [1, 1, model.vocabularySize])
            #expect(values.count == model.vocabularySize)
            let argmax = values.indices.max { values[$0] < values[$1] }!
            try generator.generateNextToken()
            #expect(try generator.nextTokens() == [Int32(argmax)])
        }
        #expect(generator.tokenCount == prompt.count + 3)
    }

    @Test("setLogits forces the token, right after the prompt and in the middle of a generation")
    func forcedToken() throws {
        let model = try GenAITestSupport.model()
        let prompt = try #require(try GenAITestSupport.reference().chats.first).promptIDs
        let forced: Int32 = 1234
        let banned = [Float](repeating: -.infinity, count: model.vocabularySize)
        var only = banned
        only[Int(forced)] = 0

        let generator = try GenAIGenerator(model: model, options: .init(maxLength: prompt.count + 8))
        try generator.append(tokens: prompt)
        try generator.setLogits(only, shape: [1, 1, model.vocabularySize])
        try generator.generateNextToken()
        #expect(try generator.nextTokens() == [forced])
        // Mid-generation, without reading the logits first: the model still runs on the token chosen before.
        try generator.generateNextToken()
        let free = try generator.nextTokens()[0]
        try generator.setLogits(only, shape: [1, model.vocabularySize])
        try generator.generateNextToken()
        #expect(try generator.nextTokens() == [forced])
        try generator.generateNextToken()
        let after = try generator.nextTokens()[0]

        // The same sequence fed as a prompt gives the same greedy continuation: the KV cache saw every token.
        let check = try GenAIGenerator(model: model, options: .init(maxLength: prompt.count + 8))
        try check.append(tokens: prompt + [forced, free, forced])
        try check.generateNextToken()
        #expect(try check.nextTokens() == [after])
    }

    @Test("seeded sampling is reproducible across generators; another seed differs; top-k 1 is greedy")
    func seededSampling() throws {
        let model = try GenAITestSupport.model()
        let prompt = try #require(try GenAITestSupport.reference().chats.first).promptIDs
        func sample(_ options: GenAISearchOptions) throws -> [Int32] {
            let generator = try GenAIGenerator(model: model, options: options)
            try generator.append(tokens: prompt)
            var output: [Int32] = []
            while !generator.isDone {
                try generator.generateNextToken()
                output += try generator.nextTokens()
            }
            return output
        }
        let seeded = GenAISearchOptions(maxLength: prompt.count + 24, doSample: true, temperature: 1.0, topP: 0.95,
                                        topK: 50, randomSeed: 42)
        let first = try sample(seeded)
        #expect(try sample(seeded) == first)
        var other = seeded
        other.randomSeed = 7
        #expect(try sample(other) != first)
        let greedy = try sample(.init(maxLength: prompt.count + 24))
        #expect(try sample(.init(maxLength: prompt.count + 24, doSample: true, topK: 1, randomSeed: 3)) == greedy)
        #expect(first != greedy)
    }

    @Test("batch of two prompts of different lengths: each row equals its single-row greedy output")
    func batch() throws {
        let model = try GenAITestSupport.model()
        let reference = try GenAITestSupport.reference()
        let short = try #require(reference.chats.first { $0.name == "single user turn" })
        let long = try #require(reference.chats.first { $0.name == "multi-turn" })
        #expect(short.promptIDs.count < long.promptIDs.count)
        // One max length for both rows: the library pads the short prompt on the right to the long one's length.
        let maxLength = long.promptIDs.count + reference.newTokens
        let generator = try GenAIGenerator(model: model, options: .init(maxLength: maxLength, batchSize: 2))
        try generator.append(sequences: [short.promptIDs, long.promptIDs])
        #expect(generator.tokenCount == long.promptIDs.count)
        #expect(try generator.logits().shape == [2, 1, model.vocabularySize])
        var rows: [[Int32]] = [[], []]
        while !generator.isDone {
            try generator.generateNextToken()
            let next = try generator.nextTokens()
            #expect(next.count == 2)
            for row in 0..<2 { rows[row].append(next[row]) }
        }
        #expect(rows[0] == short.greedyIDs)
        // The long row stopped at its end-of-sequence token and was fed the pad token after it.
        #expect(Array(rows[1].prefix(long.greedyIDs.count)) == long.greedyIDs)
        #expect(rows[1].dropFirst(long.greedyIDs.count).allSatisfy { $0 == model.padTokenID })
    }

    @Test("bad calls are refused with clear errors, not crashes")
    func errors() throws {
        let model = try GenAITestSupport.model()
        func refused(_ kind: OrtError.Kind, _ body: () throws -> Void) {
            let error = #expect(throws: OrtError.self) { try body() }
            #expect(error?.kind == kind)
            #expect(error?.message.isEmpty == false)
        }
        refused(.invalidArgument) { _ = try GenAIGenerator(model: model, options: .init(maxLength: 9000)) }
        refused(.invalidArgument) { _ = try GenAIGenerator(model: model, options: .init(maxLength: 0)) }
        refused(.invalidArgument) {
            _ = try GenAIGenerator(model: model, options: .init(maxLength: 10, doSample: true, temperature: 0))
        }
        refused(.invalidArgument) { _ = try GenAIGenerator(model: model, options: .init(maxLength: 10, topP: 1.5)) }
        refused(.invalidArgument) {
            _ = try GenAIGenerator(model: model, options: .init(maxLength: 10, randomSeed: -1))
        }

        let generator = try GenAIGenerator(model: model, options: .init(maxLength: 6))
        refused(.invalidArgument) { try generator.generateNextToken() }
        refused(.invalidArgument) { _ = try generator.logits() }
        refused(.invalidArgument) { try generator.append(tokens: []) }
        refused(.invalidArgument) { try generator.append(tokens: [1, 49_152]) }
        refused(.invalidArgument) { try generator.append(sequences: [[1], [2]]) }
        refused(.genAI) { try generator.append(tokens: [1, 2, 3, 4, 5, 6, 7]) }  // longer than maxLength
        try generator.append(tokens: [1, 4093, 198, 6004])
        refused(.invalidArgument) { try generator.setLogits([0, 1], shape: [1, 2]) }
        refused(.invalidArgument) { try generator.setLogits([0, 1], shape: [3]) }
        try generator.generateNextToken()
        try generator.generateNextToken()
        #expect(generator.isDone)
        refused(.invalidArgument) { try generator.generateNextToken() }

        let batch = try GenAIGenerator(model: model, options: .init(maxLength: 8, batchSize: 2))
        refused(.invalidArgument) { try batch.append(tokens: [1, 2]) }
        refused(.invalidArgument) { try batch.append(sequences: [[1, 2]]) }
    }

    @Test("a multi-turn continuation appends to the same generator")
    func continuation() throws {
        let model = try GenAITestSupport.model()
        let tokenizer = try GenAITestSupport.tokenizer()
        let prompt = try #require(try GenAITestSupport.reference().chats.first).promptIDs
        let generator = try GenAIGenerator(model: model, options: .init(maxLength: prompt.count + 40))
        try generator.append(tokens: prompt)
        try generator.generateNextToken()
        let first = try generator.nextTokens()
        let more = try tokenizer.encode("<|im_end|>\n<|im_start|>user\nThanks!<|im_end|>\n<|im_start|>assistant\n")
        try generator.append(tokens: more)
        #expect(generator.tokenCount == prompt.count + 1 + more.count)
        try generator.generateNextToken()
        let expected = try GenAITestSupport.greedy(model, prompt: prompt + first + more, newTokens: 1)
        #expect(try generator.nextTokens() == expected)
    }
}
