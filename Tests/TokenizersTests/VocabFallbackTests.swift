import Foundation
import Testing

@testable import Tokenizers

/// The `vocab.txt` + `tokenizer_config.json` path, with the real settings and with other BERT settings.
@Suite struct VocabFallbackTests {
    struct VariantsFixture: Decodable {
        struct Variant: Decodable {
            struct Config: Decodable {
                var doLowerCase: Bool
                var stripAccents: Bool?
                var tokenizeChineseChars: Bool

                enum CodingKeys: String, CodingKey {
                    case doLowerCase = "do_lower_case"
                    case stripAccents = "strip_accents"
                    case tokenizeChineseChars = "tokenize_chinese_chars"
                }
            }

            var name: String
            var config: Config
            var ids: [[Int32]]
            var ids128: [[Int32]]

            enum CodingKeys: String, CodingKey {
                case name, config, ids
                case ids128 = "ids_128"
            }
        }

        var variants: [Variant]
    }

    static func vocabTokenizer(_ config: WordPieceConfiguration) throws -> WordPieceTokenizer {
        try WordPieceTokenizer(vocabText: String(decoding: Fixtures.modelFile("vocab.txt"), as: UTF8.self),
                               config: config)
    }

    @Test func vocabPathMatchesTokenizerJSONOnTheCorpus() throws {
        let config = try WordPieceConfiguration(tokenizerConfigJSON: Fixtures.modelFile("tokenizer_config.json"))
        let tokenizer = try Self.vocabTokenizer(config)
        let corpus = try Fixtures.corpus()
        let texts = corpus.texts.map(\.text)
        let mismatch = Fixtures.firstMismatch(texts: texts, expected: corpus.texts.map(\.ids)) {
            tokenizer.encode($0)
        }
        #expect(mismatch == nil, "\(mismatch ?? "")")
        let truncated = Fixtures.firstMismatch(texts: texts, expected: corpus.texts.map(\.ids128)) {
            tokenizer.encode($0, maxLength: 128)
        }
        #expect(truncated == nil, "\(truncated ?? "")")
        #expect(tokenizer.vocabularySize == corpus.vocabSize)
        #expect(tokenizer.modelMaxLength == 512)
        #expect([tokenizer.clsTokenID, tokenizer.sepTokenID, tokenizer.padTokenID, tokenizer.unkTokenID]
            == [101, 102, 0, 100])
    }

    @Test func tokenizerConfigSettingsAreRead() throws {
        let config = try WordPieceConfiguration(tokenizerConfigJSON: Fixtures.modelFile("tokenizer_config.json"))
        #expect(config.lowercase)
        #expect(config.stripAccents == nil)
        #expect(config.handleChineseCharacters)
        #expect(config.modelMaxLength == 512)
        #expect(config.unknownToken == "[UNK]" && config.maskToken == "[MASK]")
    }

    @Test func otherBertSettingsMatchHuggingFace() throws {
        let fixture = try JSONDecoder().decode(VariantsFixture.self, from: Fixtures.fixture("wordpiece_variants"))
        let corpus = try Fixtures.corpus()
        let texts = corpus.texts.map(\.text)
        #expect(fixture.variants.contains { !$0.config.doLowerCase })
        for variant in fixture.variants {
            let tokenizer = try Self.vocabTokenizer(WordPieceConfiguration(
                lowercase: variant.config.doLowerCase,
                stripAccents: variant.config.stripAccents,
                handleChineseCharacters: variant.config.tokenizeChineseChars
            ))
            let mismatch = Fixtures.firstMismatch(texts: texts, expected: variant.ids) { tokenizer.encode($0) }
            #expect(mismatch == nil, "variant \(variant.name): \(mismatch ?? "")")
            let truncated = Fixtures.firstMismatch(texts: texts, expected: variant.ids128) {
                tokenizer.encode($0, maxLength: 128)
            }
            #expect(truncated == nil, "variant \(variant.name), max 128: \(truncated ?? "")")
        }
    }

    @Test func directoryWithoutTokenizerJSONUsesVocabAndConfig() throws {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("tokenizers-vocab-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        for name in ["vocab.txt", "tokenizer_config.json", "special_tokens_map.json"] {
            try Fixtures.modelFile(name).write(to: directory.appendingPathComponent(name))
        }
        let tokenizer = try WordPieceTokenizer(directory: directory)
        #expect(tokenizer.encode("Héllo [MASK] WORLD") == [101, 7592, 103, 2088, 102])
        #expect(tokenizer.modelMaxLength == 512)
    }

    @Test func addedTokensDecoderInConfigIsUsed() throws {
        let json = """
            {"do_lower_case": true, "model_max_length": 1000000000000000019884624838656,
             "added_tokens_decoder": {
               "0": {"content": "[PAD]", "special": true}, "100": {"content": "[UNK]", "special": true},
               "101": {"content": "[CLS]", "special": true}, "102": {"content": "[SEP]", "special": true},
               "103": {"content": "[MASK]", "special": true, "lstrip": true}}}
            """
        let config = try WordPieceConfiguration(tokenizerConfigJSON: Data(json.utf8))
        #expect(config.modelMaxLength == nil)
        let tokenizer = try Self.vocabTokenizer(config)
        #expect(tokenizer.encode("paris is the [MASK] .") == [101, 3000, 2003, 1996, 103, 1012, 102])
    }
}
