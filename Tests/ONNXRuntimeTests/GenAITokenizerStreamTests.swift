import Foundation
import Testing
@testable import ONNXRuntime

@Suite("GenAI tokenizer stream")
struct GenAITokenizerStreamTests {
    @Test("streamed pieces concatenate to decode(all tokens)", arguments: GenAIReference.chatsForArguments)
    func concatenation(chat: GenAIReference.Chat) throws {
        let tokenizer = try GenAITestSupport.tokenizer()
        let stream = try tokenizer.makeStream()
        let pieces = try chat.greedyIDs.map { try stream.decode($0) }
        let whole = try tokenizer.decode(chat.greedyIDs)
        #expect(whole == chat.greedyText)
        #expect(pieces.allSatisfy { !$0.contains("\u{FFFD}") })
        if whole.hasSuffix("\u{FFFD}") {
            // The output was cut inside a character: the stream holds those bytes back instead of emitting U+FFFD.
            #expect(pieces.joined() + "\u{FFFD}" == whole)
        } else {
            #expect(pieces.joined() == whole)
        }
    }

    @Test("a character split across tokens comes out whole, once its last byte arrives")
    func holdsBackPartialUTF8() throws {
        let tokenizer = try GenAITestSupport.tokenizer()
        let tokens = try tokenizer.encode("😀 café ☕ 日本")
        let stream = try tokenizer.makeStream()
        let pieces = try tokens.map { try stream.decode($0) }
        #expect(pieces.joined() == "😀 café ☕ 日本")
        #expect(Array(pieces.prefix(3)) == ["", "", "😀"])
        let oneByOne = try tokens.map { try tokenizer.decode([$0]) }
        #expect(oneByOne.contains("\u{FFFD}"))
    }

    @Test("special tokens stream as nothing")
    func specialTokens() throws {
        let tokenizer = try GenAITestSupport.tokenizer()
        let stream = try tokenizer.makeStream()
        let pieces = try tokenizer.encode("<|im_start|>user\nhi<|im_end|>").map { try stream.decode($0) }
        #expect(pieces.joined() == "user\nhi")
    }
}
