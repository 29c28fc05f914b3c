import Foundation
import Testing

@testable import Tokenizers

/// Paths, fixture files and the real tokenizer shared by the tests.
enum Fixtures {
    /// The repository root, found from this file's path (symlinks resolved).
    static let repositoryRoot = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `models/all-minilm-l6-v2`, placed there by `scripts/setup`.
    static let modelDirectory = repositoryRoot.appendingPathComponent("models/all-minilm-l6-v2")

    /// Reads a model file, failing with a pointer to `scripts/setup` when it is missing.
    static func modelFile(_ name: String) throws -> Data {
        let url = modelDirectory.appendingPathComponent(name)
        guard FileManager.default.fileExists(atPath: url.path) else {
            Issue.record("missing \(url.path): run scripts/setup to install the all-MiniLM-L6-v2 model files")
            throw MissingModel()
        }
        return try Data(contentsOf: url)
    }

    struct MissingModel: Error {}

    static func fixture(_ name: String) throws -> Data {
        let url = try #require(Bundle.module.url(forResource: name, withExtension: "json", subdirectory: "Fixtures"),
                               "fixture \(name).json is missing; see Fixtures/README.md")
        return try Data(contentsOf: url)
    }

    /// The real all-MiniLM-L6-v2 tokenizer from `tokenizer.json`.
    static func tokenizer() throws -> WordPieceTokenizer {
        try WordPieceTokenizer(tokenizerJSON: modelFile("tokenizer.json"),
                               config: WordPieceConfiguration(tokenizerConfigJSON: modelFile("tokenizer_config.json")))
    }

    static func corpus() throws -> CorpusFixture {
        try JSONDecoder().decode(CorpusFixture.self, from: fixture("wordpiece_corpus"))
    }

    /// The first text whose ids differ from the expected ones, described for a failure message.
    static func firstMismatch(
        texts: [String],
        expected: [[Int32]],
        actual: (String) -> [Int32]
    ) -> String? {
        for (index, text) in texts.enumerated() {
            let got = actual(text)
            let want = expected[index]
            guard got != want else { continue }
            let position = zip(got, want).enumerated().first { $0.element.0 != $0.element.1 }?.offset
                ?? min(got.count, want.count)
            return "text #\(index) \(String(reflecting: String(text.prefix(200)))): first difference at id index "
                + "\(position); expected \(Array(want.dropFirst(max(0, position - 3)).prefix(8))) "
                + "(count \(want.count)), got \(Array(got.dropFirst(max(0, position - 3)).prefix(8))) "
                + "(count \(got.count))"
        }
        return nil
    }
}

/// `wordpiece_corpus.json`: texts with HF's ids from `tokenizer.json`.
struct CorpusFixture: Decodable {
    struct Entry: Decodable {
        var text: String
        var ids: [Int32]
        var ids128: [Int32]
        var ids512: [Int32]
        var idsNoSpecial: [Int32]

        enum CodingKeys: String, CodingKey {
            case text, ids
            case ids128 = "ids_128"
            case ids512 = "ids_512"
            case idsNoSpecial = "ids_no_special"
        }
    }

    var command: String
    var vocabSize: Int
    var texts: [Entry]

    enum CodingKeys: String, CodingKey {
        case command, texts
        case vocabSize = "vocab_size"
    }
}
