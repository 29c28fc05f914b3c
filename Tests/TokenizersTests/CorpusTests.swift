import Foundation
import Testing

@testable import Tokenizers

/// The real tokenizer.json against HF `tokenizers` on the whole fixture corpus.
@Suite struct CorpusTests {
    @Test func corpusIsLargeAndVaried() throws {
        let corpus = try Fixtures.corpus()
        #expect(corpus.texts.count >= 300)
        #expect(corpus.texts.contains { $0.ids.count > 1_000 })
        #expect(corpus.texts.contains { $0.text.isEmpty })
    }

    @Test func idsMatchHuggingFace() throws {
        let tokenizer = try Fixtures.tokenizer()
        let corpus = try Fixtures.corpus()
        let mismatch = Fixtures.firstMismatch(
            texts: corpus.texts.map(\.text), expected: corpus.texts.map(\.ids)
        ) { tokenizer.encode($0) }
        #expect(mismatch == nil, "\(mismatch ?? "")")
    }

    @Test func idsWithoutSpecialTokensMatchHuggingFace() throws {
        let tokenizer = try Fixtures.tokenizer()
        let corpus = try Fixtures.corpus()
        let mismatch = Fixtures.firstMismatch(
            texts: corpus.texts.map(\.text), expected: corpus.texts.map(\.idsNoSpecial)
        ) { tokenizer.encode($0, addSpecialTokens: false) }
        #expect(mismatch == nil, "\(mismatch ?? "")")
    }

    @Test(arguments: [128, 512])
    func truncatedIdsMatchHuggingFace(maxLength: Int) throws {
        let tokenizer = try Fixtures.tokenizer()
        let corpus = try Fixtures.corpus()
        let expected = corpus.texts.map { maxLength == 128 ? $0.ids128 : $0.ids512 }
        #expect(expected.contains { $0.count == maxLength })
        let mismatch = Fixtures.firstMismatch(texts: corpus.texts.map(\.text), expected: expected) {
            tokenizer.encode($0, maxLength: maxLength)
        }
        #expect(mismatch == nil, "\(mismatch ?? "")")
    }

    @Test func propertiesOfTheRealTokenizer() throws {
        let tokenizer = try Fixtures.tokenizer()
        let corpus = try Fixtures.corpus()
        #expect(tokenizer.vocabularySize == corpus.vocabSize)
        #expect(tokenizer.clsTokenID == 101)
        #expect(tokenizer.sepTokenID == 102)
        #expect(tokenizer.padTokenID == 0)
        #expect(tokenizer.unkTokenID == 100)
        #expect(tokenizer.modelMaxLength == 512)
        #expect(tokenizer.token(for: 101) == "[CLS]")
        #expect(tokenizer.token(for: 7592) == "hello")
        #expect(tokenizer.token(for: 30_522) == nil)
        #expect(tokenizer.id(for: "##ing") == 2075)
    }

    @Test func tokenizerJSONAloneTakesItsSavedTruncationAsModelMaxLength() throws {
        let tokenizer = try WordPieceTokenizer(tokenizerJSON: Fixtures.modelFile("tokenizer.json"))
        #expect(tokenizer.modelMaxLength == 128)
    }

    @Test func directoryLoadsTokenizerJSON() throws {
        _ = try Fixtures.modelFile("tokenizer.json")
        let tokenizer = try WordPieceTokenizer(directory: Fixtures.modelDirectory)
        #expect(tokenizer.encode("Hello, world!") == [101, 7592, 1010, 2088, 999, 102])
        #expect(tokenizer.modelMaxLength == 512)
    }
}
