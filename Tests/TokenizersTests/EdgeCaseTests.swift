import Foundation
import Testing

@testable import Tokenizers

/// Hand-written cases for behaviour worth pinning down beyond the HF fixtures.
@Suite struct EdgeCaseTests {
    @Test func emptyAndBlankTexts() throws {
        let tokenizer = try Fixtures.tokenizer()
        #expect(tokenizer.encode("") == [101, 102])
        #expect(tokenizer.encode(" \t\r\n\u{3000}\u{200B}") == [101, 102])
        #expect(tokenizer.encode("", addSpecialTokens: false).isEmpty)
    }

    @Test func wordPieceSplitsAndUnknownWords() throws {
        let tokenizer = try Fixtures.tokenizer()
        let pieces = tokenizer.encode("unaffable", addSpecialTokens: false).compactMap { tokenizer.token(for: $0) }
        #expect(pieces == ["una", "##ffa", "##ble"])
        #expect(tokenizer.encode(String(repeating: "a", count: 100), addSpecialTokens: false) != [100])
        #expect(tokenizer.encode(String(repeating: "a", count: 101), addSpecialTokens: false) == [100])
        #expect(tokenizer.encode("\u{1F600}", addSpecialTokens: false) == [100])
    }

    @Test func normalisation() throws {
        let tokenizer = try Fixtures.tokenizer()
        #expect(tokenizer.encode("Héllo WORLD") == tokenizer.encode("hello world"))
        #expect(tokenizer.encode("He\u{301}llo") == tokenizer.encode("hello"))
        #expect(tokenizer.encode("中文", addSpecialTokens: false).count == 2)
        #expect(tokenizer.encode("a\u{0}b\u{FFFD}c", addSpecialTokens: false)
            == tokenizer.encode("abc", addSpecialTokens: false))
    }

    @Test func truncationKeepsSpecialTokens() throws {
        let tokenizer = try Fixtures.tokenizer()
        let text = "one two three four five"
        let full = tokenizer.encode(text)
        #expect(full.count == 7)
        #expect(tokenizer.encode(text, maxLength: 4) == [101, full[1], full[2], 102])
        #expect(tokenizer.encode(text, maxLength: 2) == [101, 102])
        #expect(tokenizer.encode(text, maxLength: 0) == [101, 102])
        #expect(tokenizer.encode(text, maxLength: 100) == full)
        let long = String(repeating: "word ", count: 5_000)
        let truncated = tokenizer.encode(long, maxLength: 512)
        #expect(truncated.count == 512 && truncated.first == 101 && truncated.last == 102)
    }

    @Test func concurrentEncodingIsConsistent() async throws {
        let tokenizer = try Fixtures.tokenizer()
        let texts = try Fixtures.corpus().texts.map(\.text)
        let expected = texts.map { tokenizer.encode($0) }
        let results = await withTaskGroup(of: [[Int32]].self) { group in
            for _ in 0..<4 {
                group.addTask { texts.map { tokenizer.encode($0) } }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results.count == 4)
        #expect(results.allSatisfy { $0 == expected })
    }
}
