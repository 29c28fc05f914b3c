/// HF's WordPiece model: splits one pre-tokenised word into the longest vocabulary pieces, left to right, with
/// non-initial pieces spelled with the continuing-subword prefix ("##"); a word with no full split is unknown.
struct WordPieceModel: Sendable {
    /// Token text to id, as in the vocabulary file.
    let vocabulary: [String: Int32]
    let unknownID: Int32
    let maxInputCharactersPerWord: Int
    /// Every vocabulary entry, keyed by its UTF-8 bytes: candidates for the start of a word.
    private let initialPieces: VocabularyTable
    /// Entries that start with the prefix, keyed by the bytes after it: candidates inside a word.
    private let continuingPieces: VocabularyTable

    init(
        vocabulary: [String: Int32],
        unknownToken: String,
        continuingSubwordPrefix: String,
        maxInputCharactersPerWord: Int
    ) throws {
        guard let unknownID = vocabulary[unknownToken] else {
            throw TokenizerError.missingToken(unknownToken, role: "unknown")
        }
        self.vocabulary = vocabulary
        self.unknownID = unknownID
        self.maxInputCharactersPerWord = maxInputCharactersPerWord
        initialPieces = VocabularyTable(vocabulary.lazy.map { (key: Array($0.key.utf8), value: $0.value) })
        let prefix = Array(continuingSubwordPrefix.utf8)
        continuingPieces = VocabularyTable(vocabulary.lazy.compactMap { entry -> (key: [UInt8], value: Int32)? in
            let bytes = Array(entry.key.utf8)
            guard bytes.starts(with: prefix) else { return nil }
            return (key: Array(bytes[prefix.count...]), value: entry.value)
        })
    }

    /// Appends the ids of `word` to `ids`; `bytes` and `boundaries` are scratch buffers reused across words.
    func tokenize(
        _ word: UnsafeBufferPointer<Unicode.Scalar>,
        bytes: inout [UInt8],
        boundaries: inout [Int],
        into ids: inout [Int32]
    ) {
        if word.count > maxInputCharactersPerWord {
            ids.append(unknownID)
            return
        }
        Self.encodeUTF8(word, bytes: &bytes, boundaries: &boundaries)
        let firstNewID = ids.count
        let scalarCount = word.count
        var startIndex = 0
        bytes.withUnsafeBufferPointer { buffer in
            while startIndex < scalarCount {
                let table = startIndex == 0 ? initialPieces : continuingPieces
                let start = boundaries[startIndex]
                var endIndex = scalarCount
                while endIndex > startIndex && boundaries[endIndex] - start > table.maxKeyLength {
                    endIndex -= 1
                }
                var match: Int32?
                while endIndex > startIndex {
                    let piece = UnsafeBufferPointer(rebasing: buffer[start..<boundaries[endIndex]])
                    if let id = table.value(for: piece) {
                        match = id
                        break
                    }
                    endIndex -= 1
                }
                guard let id = match else {
                    ids.removeSubrange(firstNewID...)
                    ids.append(unknownID)
                    return
                }
                ids.append(id)
                startIndex = endIndex
            }
        }
    }

    /// Writes `word` as UTF-8 into `bytes`, and the byte offset of every scalar (plus the end) into `boundaries`.
    @inline(__always)
    private static func encodeUTF8(
        _ word: UnsafeBufferPointer<Unicode.Scalar>,
        bytes: inout [UInt8],
        boundaries: inout [Int]
    ) {
        bytes.removeAll(keepingCapacity: true)
        boundaries.removeAll(keepingCapacity: true)
        for scalar in word {
            boundaries.append(bytes.count)
            let value = scalar.value
            if value < 0x80 {
                bytes.append(UInt8(value))
            } else if value < 0x800 {
                bytes.append(UInt8(0xC0 | (value >> 6)))
                bytes.append(UInt8(0x80 | (value & 0x3F)))
            } else if value < 0x10000 {
                bytes.append(UInt8(0xE0 | (value >> 12)))
                bytes.append(UInt8(0x80 | ((value >> 6) & 0x3F)))
                bytes.append(UInt8(0x80 | (value & 0x3F)))
            } else {
                bytes.append(UInt8(0xF0 | (value >> 18)))
                bytes.append(UInt8(0x80 | ((value >> 12) & 0x3F)))
                bytes.append(UInt8(0x80 | ((value >> 6) & 0x3F)))
                bytes.append(UInt8(0x80 | (value & 0x3F)))
            }
        }
        boundaries.append(bytes.count)
    }
}
