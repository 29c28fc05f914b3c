import Foundation

/// The canonical tokenization llguidance calls back for (its `tokenize_fn`): the bytes a grammar forces, tokenized
/// as the model's own tokenizer does, so that a forced run of text is offered to the model as the single token the
/// model would have seen in training rather than as any split of it.
///
/// The library calls from any thread, concurrently: `OrtxTokenizer` takes its own lock. It hands over only valid
/// UTF-8 (`tokenize_assumes_string`); NUL characters, which onnxruntime-extensions cannot take, become the byte
/// token 0x00. Special tokens are never produced: text that spells one (`<|im_end|>` inside a JSON string) is
/// tokenized as ordinary text, by cutting it after its first character, because llguidance marks special tokens as
/// matching no grammar text.
final class GuidanceTokenizeContext: @unchecked Sendable {
    let tokenizer: OrtxTokenizer
    let vocabulary: GuidanceVocabulary
    /// The UTF-8 of each special token longer than one character (a one-character one cannot be cut).
    private let specialSpellings: [[UInt8]]

    init(tokenizer: OrtxTokenizer, vocabulary: GuidanceVocabulary) {
        self.tokenizer = tokenizer
        self.vocabulary = vocabulary
        self.specialSpellings = vocabulary.specialTokens.values.filter { $0.unicodeScalars.count > 1 }
            .map { Array($0.utf8) }
    }

    /// The ids of `bytes`; never fails (what the model tokenizer cannot encode is left out: the library then finds
    /// the forced tokens do not spell the forced text and reports a matcher error).
    func tokenize(_ bytes: UnsafeBufferPointer<UInt8>) -> [UInt32] {
        var ids: [UInt32] = []
        var start = 0
        for index in 0...bytes.count where index == bytes.count || bytes[index] == 0 {
            if index > start { ids += encode(bytes[start..<index]) }
            if index < bytes.count, let nul = vocabulary.nulTokenID { ids.append(UInt32(bitPattern: nul)) }
            start = index + 1
        }
        return ids
    }

    /// The ids of NUL-free UTF-8 with no special token in them.
    private func encode(_ bytes: Slice<UnsafeBufferPointer<UInt8>>) -> [UInt32] {
        let ids = plainEncode(bytes)
        guard ids.contains(where: { vocabulary.specialTokens[Int32(bitPattern: $0)] != nil }) else { return ids }
        // Cut after the first character of every spelled special token and encode the pieces on their own.
        var cuts: [Int] = []
        var index = bytes.startIndex
        while index < bytes.endIndex {
            if specialSpellings.contains(where: { bytes[index...].starts(with: $0) }) {
                cuts.append(min(index + Self.scalarLength(lead: bytes[index]), bytes.endIndex))
            }
            index += 1
        }
        var result: [UInt32] = []
        var start = bytes.startIndex
        for cut in cuts + [bytes.endIndex] where cut > start {
            result += plainEncode(bytes[start..<cut])
            start = cut
        }
        return result
    }

    private func plainEncode(_ bytes: Slice<UnsafeBufferPointer<UInt8>>) -> [UInt32] {
        let text = String(decoding: bytes, as: UTF8.self)
        let ids = (try? tokenizer.encode(text)) ?? []
        // onnxruntime-extensions marks what it cannot map with ids outside the vocabulary: those are left out.
        return ids.compactMap { $0 >= 0 && Int($0) < vocabulary.tokenCount ? UInt32($0) : nil }
    }

    /// The byte length of the UTF-8 sequence `lead` starts.
    private static func scalarLength(lead: UInt8) -> Int {
        switch lead {
        case 0xF0...: return 4
        case 0xE0...: return 3
        case 0xC0...: return 2
        default: return 1
        }
    }
}
