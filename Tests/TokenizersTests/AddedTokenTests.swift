import Foundation
import Testing

@testable import Tokenizers

/// Added tokens with `lstrip`, `rstrip`, `single_word` and `normalized`, against HF.
@Suite struct AddedTokenTests {
    struct AddedTokensFixture: Decodable {
        struct Case: Decodable {
            var text: String
            var ids: [Int32]
        }

        var vocabSize: Int
        var cases: [Case]

        enum CodingKeys: String, CodingKey {
            case cases
            case vocabSize = "vocab_size"
        }
    }

    /// The real tokenizer.json with the fixture's extra tokens appended to `added_tokens`.
    static func extendedTokenizer() throws -> WordPieceTokenizer {
        let fixtureData = try Fixtures.fixture("wordpiece_added_tokens")
        let fixture = try #require(try JSONSerialization.jsonObject(with: fixtureData) as? [String: Any])
        let extra = try #require(fixture["extra_added_tokens"] as? [[String: Any]])
        var file = try #require(
            try JSONSerialization.jsonObject(with: Fixtures.modelFile("tokenizer.json")) as? [String: Any])
        let added = try #require(file["added_tokens"] as? [[String: Any]])
        file["added_tokens"] = added + extra
        return try WordPieceTokenizer(tokenizerJSON: JSONSerialization.data(withJSONObject: file))
    }

    @Test func extraAddedTokensMatchHuggingFace() throws {
        let tokenizer = try Self.extendedTokenizer()
        let fixture = try JSONDecoder().decode(AddedTokensFixture.self,
                                               from: Fixtures.fixture("wordpiece_added_tokens"))
        #expect(fixture.cases.count > 20)
        let mismatch = Fixtures.firstMismatch(
            texts: fixture.cases.map(\.text), expected: fixture.cases.map(\.ids)
        ) { tokenizer.encode($0) }
        #expect(mismatch == nil, "\(mismatch ?? "")")
        #expect(tokenizer.vocabularySize == fixture.vocabSize)
    }

    @Test func specialTokensAreMatchedCaseSensitivelyBeforeNormalization() throws {
        let tokenizer = try Fixtures.tokenizer()
        #expect(tokenizer.encode("[MASK]") == [101, 103, 102])
        #expect(tokenizer.encode("x[MASK]y") == [101, 1060, 103, 1061, 102])
        // "[mask]" is not an added token: it is lowercased text, split at the brackets.
        #expect(tokenizer.encode("[mask]") == [101, 1031, 7308, 1033, 102])
        #expect(tokenizer.encode("[cls] hi [SEP]") == [101, 1031, 18856, 2015, 1033, 7632, 102, 102])
        #expect(tokenizer.encode("[CLS]", addSpecialTokens: false) == [101])
    }

    /// `lstrip`/`rstrip` never change BERT ids (whitespace is dropped anyway), so check the spans directly.
    @Test func stripFlagsSwallowNeighbouringWhitespace() {
        let matcher = AddedTokenMatcher(tokens: [
            AddedToken(id: 1, content: "<l>", leftStrip: true),
            AddedToken(id: 2, content: "<r>", rightStrip: true),
            AddedToken(id: 3, content: "<w>", singleWord: true),
            AddedToken(id: 4, content: "<w>>"),
        ])
        func split(_ text: String) -> [AddedTokenMatcher.Segment] {
            var segments: [AddedTokenMatcher.Segment] = []
            Array(text.unicodeScalars).withUnsafeBufferPointer { matcher.split($0, into: &segments) }
            return segments
        }
        #expect(split("ab \u{3000}<l> c") == [.text(0..<2), .token(1), .text(7..<9)])
        #expect(split("a <r> \t c") == [.text(0..<2), .token(2), .text(8..<9)])
        #expect(split("x <w> y<w>") == [.text(0..<2), .token(3), .text(5..<10)])
        #expect(split("<w>>") == [.token(4)])
        #expect(split("") == [])
    }
}
