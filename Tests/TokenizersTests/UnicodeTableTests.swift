import Foundation
import Testing

@testable import Tokenizers

/// Every Unicode scalar through each BERT normalisation step and the punctuation and whitespace tests,
/// against how HF `tokenizers` treats it (`unicode_properties.json`).
@Suite struct UnicodeTableTests {
    /// The fixture's range lists and per-scalar mappings.
    struct Properties {
        var sets: [String: Set<UInt32>] = [:]
        var stripMap: [UInt32: [Unicode.Scalar]] = [:]
        var lowerMap: [UInt32: [Unicode.Scalar]] = [:]

        init() throws {
            let data = try Fixtures.fixture("unicode_properties")
            let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
            for key in ["dropped", "to_space", "chinese", "stripped", "punctuation", "whitespace"] {
                let ranges = try #require(object[key] as? [[Int]], "fixture key \(key)")
                sets[key] = Set(ranges.flatMap { UInt32($0[0])...UInt32($0[1]) })
            }
            stripMap = try Self.mapping(object["strip_map"])
            lowerMap = try Self.mapping(object["lower_map"])
        }

        private static func mapping(_ value: Any?) throws -> [UInt32: [Unicode.Scalar]] {
            let entries = try #require(value as? [[Any]])
            var result: [UInt32: [Unicode.Scalar]] = [:]
            for entry in entries {
                let scalar = try #require(entry[0] as? Int)
                let text = try #require(entry[1] as? String)
                result[UInt32(scalar)] = Array(text.unicodeScalars)
            }
            return result
        }
    }

    static let allScalars: [Unicode.Scalar] = (0...0x10FFFF).compactMap { Unicode.Scalar(UInt32($0)) }

    /// Runs `normalizer` on each scalar alone and returns the scalars whose output differs from `expected`.
    static func differences(
        _ normalizer: BertNormalizer,
        expected: (Unicode.Scalar) -> [Unicode.Scalar]?
    ) -> [String] {
        var output: [Unicode.Scalar] = []
        var staging: [Unicode.Scalar] = []
        var input: [Unicode.Scalar] = [" "]
        var differences: [String] = []
        for scalar in allScalars {
            guard let want = expected(scalar) else { continue }
            input[0] = scalar
            input.withUnsafeBufferPointer { normalizer.normalize($0, into: &output, staging: &staging) }
            if output != want {
                differences.append("U+\(String(scalar.value, radix: 16, uppercase: true)) -> "
                    + "\(output.map { String($0.value, radix: 16) }) want \(want.map { String($0.value, radix: 16) })")
            }
        }
        return differences
    }

    @Test func cleaningDropsAndSpacesTheSameScalars() throws {
        let properties = try Properties()
        let dropped = try #require(properties.sets["dropped"])
        let toSpace = try #require(properties.sets["to_space"])
        #expect(dropped.contains(0xE001) && dropped.contains(0x200B) && !dropped.contains(0x08E2))
        let normalizer = BertNormalizer(cleanText: true, handleChineseCharacters: false, stripAccents: false,
                                        lowercase: false)
        let differences = Self.differences(normalizer) { scalar in
            dropped.contains(scalar.value) ? [] : toSpace.contains(scalar.value) ? [" "] : [scalar]
        }
        #expect(differences.isEmpty, "\(differences.count) differ: \(differences.prefix(10))")
    }

    @Test func chineseCharactersGetTheSameSpaces() throws {
        let chinese = try #require(try Properties().sets["chinese"])
        let normalizer = BertNormalizer(cleanText: false, handleChineseCharacters: true, stripAccents: false,
                                        lowercase: false)
        let differences = Self.differences(normalizer) { scalar in
            chinese.contains(scalar.value) ? [" ", scalar, " "] : [scalar]
        }
        #expect(differences.isEmpty, "\(differences.count) differ: \(differences.prefix(10))")
    }

    @Test func accentStrippingMatches() throws {
        let properties = try Properties()
        let stripped = try #require(properties.sets["stripped"])
        let normalizer = BertNormalizer(cleanText: false, handleChineseCharacters: false, stripAccents: true,
                                        lowercase: false)
        let differences = Self.differences(normalizer) { scalar in
            if (0xAC00...0xD7A3).contains(scalar.value) { return nil }
            if stripped.contains(scalar.value) { return [] }
            return properties.stripMap[scalar.value] ?? [scalar]
        }
        #expect(differences.isEmpty, "\(differences.count) differ: \(differences.prefix(10))")
    }

    @Test func lowercasingMatches() throws {
        let properties = try Properties()
        let normalizer = BertNormalizer(cleanText: false, handleChineseCharacters: false, stripAccents: false,
                                        lowercase: true)
        let differences = Self.differences(normalizer) { properties.lowerMap[$0.value] ?? [$0] }
        #expect(differences.isEmpty, "\(differences.count) differ: \(differences.prefix(10))")
    }

    @Test func punctuationAndWhitespaceMatch() throws {
        let properties = try Properties()
        let punctuation = try #require(properties.sets["punctuation"])
        let whitespace = try #require(properties.sets["whitespace"])
        var differences: [String] = []
        for scalar in Self.allScalars {
            let isSpace = UnicodeClassifier.isWhitespace(scalar)
            let isPunctuation = !isSpace && UnicodeClassifier.isPunctuation(scalar)
            if isSpace != whitespace.contains(scalar.value) || isPunctuation != punctuation.contains(scalar.value) {
                differences.append("U+\(String(scalar.value, radix: 16, uppercase: true)) space \(isSpace) "
                    + "punctuation \(isPunctuation)")
            }
        }
        #expect(differences.isEmpty, "\(differences.count) differ: \(differences.prefix(10))")
    }
}
