import Foundation
import Testing

@testable import Tokenizers

/// Loading failures surface as `TokenizerError` with a stable code and a message naming the problem.
@Suite struct ErrorTests {
    static func tokenizerJSON(model: String, extra: String = "") -> Data {
        Data("""
            {"added_tokens": [], "normalizer": {"type": "BertNormalizer"},
             "pre_tokenizer": {"type": "BertPreTokenizer"},
             "post_processor": null, \(extra) "model": \(model)}
            """.utf8)
    }

    static let tinyWordPiece = """
        {"type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##", "max_input_chars_per_word": 100,
         "vocab": {"[UNK]": 0, "[CLS]": 1, "[SEP]": 2, "[PAD]": 3, "hello": 4, "##s": 5}}
        """

    static func expectError(_ code: TokenizerError.Code, containing text: String, _ body: () throws -> Void) {
        do {
            try body()
            Issue.record("expected a \(code) TokenizerError")
        } catch let error as TokenizerError {
            #expect(error.code == code, "\(error)")
            #expect(error.description.contains(text), "\(error)")
        } catch {
            Issue.record("expected a TokenizerError, got \(error)")
        }
    }

    @Test func missingDirectoryContents() throws {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("tokenizers-empty-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        Self.expectError(.fileMissing, containing: "neither tokenizer.json nor vocab.txt") {
            _ = try WordPieceTokenizer(directory: directory)
        }
        Self.expectError(.fileMissing, containing: "does-not-exist") {
            _ = try WordPieceTokenizer(directory: directory.appendingPathComponent("does-not-exist"))
        }
    }

    @Test func malformedJSON() {
        Self.expectError(.malformedFile, containing: "tokenizer.json") {
            _ = try WordPieceTokenizer(tokenizerJSON: Data("{\"model\": {".utf8))
        }
        Self.expectError(.malformedFile, containing: "model") {
            _ = try WordPieceTokenizer(tokenizerJSON: Data("{\"version\": \"1.0\"}".utf8))
        }
        Self.expectError(.malformedFile, containing: "vocab") {
            _ = try WordPieceTokenizer(tokenizerJSON: Self.tokenizerJSON(model: #"{"type": "WordPiece"}"#))
        }
        Self.expectError(.malformedFile, containing: "tokenizer_config.json") {
            _ = try WordPieceConfiguration(tokenizerConfigJSON: Data("[1, 2".utf8))
        }
        Self.expectError(.malformedFile, containing: "empty") {
            _ = try WordPieceTokenizer(vocabText: "", config: WordPieceConfiguration())
        }
    }

    @Test func nonWordPieceModelsAreUnsupported() {
        let bpe = #"{"type": "BPE", "vocab": {"a": 0}, "merges": [], "unk_token": null}"#
        Self.expectError(.unsupported, containing: "BPE") {
            _ = try WordPieceTokenizer(tokenizerJSON: Self.tokenizerJSON(model: bpe))
        }
        let unigram = #"{"type": "Unigram", "vocab": [["a", -1.0]], "unk_id": 0}"#
        Self.expectError(.unsupported, containing: "Unigram") {
            _ = try WordPieceTokenizer(tokenizerJSON: Self.tokenizerJSON(model: unigram))
        }
        let untypedBPE = #"{"vocab": {"a": 0}, "merges": ["a b"]}"#
        Self.expectError(.unsupported, containing: "BPE") {
            _ = try WordPieceTokenizer(tokenizerJSON: Self.tokenizerJSON(model: untypedBPE))
        }
    }

    @Test func unsupportedPipelineParts() {
        let nfc = Data("""
            {"normalizer": {"type": "NFC"}, "pre_tokenizer": {"type": "BertPreTokenizer"},
             "model": \(Self.tinyWordPiece)}
            """.utf8)
        Self.expectError(.unsupported, containing: "NFC") { _ = try WordPieceTokenizer(tokenizerJSON: nfc) }
        let byteLevel = Data("""
            {"normalizer": null, "pre_tokenizer": {"type": "ByteLevel"}, "model": \(Self.tinyWordPiece)}
            """.utf8)
        Self.expectError(.unsupported, containing: "ByteLevel") {
            _ = try WordPieceTokenizer(tokenizerJSON: byteLevel)
        }
        let roberta = Self.tokenizerJSON(model: Self.tinyWordPiece)
        let robertaText = String(decoding: roberta, as: UTF8.self)
            .replacingOccurrences(of: "\"post_processor\": null", with: "\"post_processor\": {\"type\": \"Roberta\"}")
        Self.expectError(.unsupported, containing: "Roberta") {
            _ = try WordPieceTokenizer(tokenizerJSON: Data(robertaText.utf8))
        }
    }

    @Test func missingSpecialTokens() {
        let noUnknown = #"{"type": "WordPiece", "unk_token": "<unk>", "vocab": {"[CLS]": 0, "[SEP]": 1}}"#
        Self.expectError(.missingToken, containing: "<unk>") {
            _ = try WordPieceTokenizer(tokenizerJSON: Self.tokenizerJSON(model: noUnknown))
        }
        Self.expectError(.missingToken, containing: "[CLS]") {
            _ = try WordPieceTokenizer(vocabText: "[UNK]\n[SEP]\n[PAD]\n", config: WordPieceConfiguration())
        }
        Self.expectError(.missingToken, containing: "[UNK]") {
            _ = try WordPieceTokenizer(vocabText: "[CLS]\n[SEP]\n[PAD]\n", config: WordPieceConfiguration())
        }
    }

    @Test func smallTokenizerWithoutPostProcessorAddsNothing() throws {
        let tokenizer = try WordPieceTokenizer(tokenizerJSON: Self.tokenizerJSON(model: Self.tinyWordPiece))
        #expect(tokenizer.encode("Hellos world") == [4, 5, 0])
        #expect(tokenizer.encode("hello", maxLength: 1) == [4])
        #expect(tokenizer.clsTokenID == 1 && tokenizer.sepTokenID == 2 && tokenizer.padTokenID == 3)
        #expect(tokenizer.modelMaxLength == nil)
    }
}
