extension WordPieceTokenizer {
    /// The content ids for `text` (no special tokens around it). Stops soon after `limit` ids, since
    /// truncation keeps only a prefix; the result may be longer than `limit`.
    func contentIDs(for text: String, limit: Int) -> [Int32] {
        var ids: [Int32] = []
        guard limit > 0 else { return ids }
        var raw: [Unicode.Scalar] = []
        raw.reserveCapacity(text.utf8.count)
        raw.append(contentsOf: text.unicodeScalars)
        var scratch = Scratch()
        ids.reserveCapacity(min(limit, raw.count / 2 + 8))
        raw.withUnsafeBufferPointer { raw in
            var segments: [AddedTokenMatcher.Segment] = []
            rawAddedTokens.split(raw, into: &segments)
            for segment in segments {
                if ids.count >= limit { return }
                switch segment {
                case .token(let id):
                    ids.append(id)
                case .text(let range):
                    appendIDs(normalizing: UnsafeBufferPointer(rebasing: raw[range]), scratch: &scratch,
                              limit: limit, into: &ids)
                }
            }
        }
        return ids
    }

    /// Buffers reused for every piece and word of one `encode` call.
    struct Scratch {
        var normalized: [Unicode.Scalar] = []
        var staging: [Unicode.Scalar] = []
        var segments: [AddedTokenMatcher.Segment] = []
        var wordBytes: [UInt8] = []
        var boundaries: [Int] = []
    }

    /// Normalises one piece of raw text between added tokens, then splits and tokenises it.
    private func appendIDs(
        normalizing piece: UnsafeBufferPointer<Unicode.Scalar>,
        scratch: inout Scratch,
        limit: Int,
        into ids: inout [Int32]
    ) {
        var normalized = scratch.normalized
        scratch.normalized = []
        defer { scratch.normalized = normalized }
        if let normalizer {
            normalizer.normalize(piece, into: &normalized, staging: &scratch.staging)
        } else {
            normalized.removeAll(keepingCapacity: true)
            normalized.append(contentsOf: piece)
        }
        normalized.withUnsafeBufferPointer { text in
            if normalizedAddedTokens.isEmpty {
                appendWordIDs(text, range: 0..<text.count, scratch: &scratch, limit: limit, into: &ids)
                return
            }
            normalizedAddedTokens.split(text, into: &scratch.segments)
            let segments = scratch.segments
            for segment in segments {
                if ids.count >= limit { return }
                switch segment {
                case .token(let id):
                    ids.append(id)
                case .text(let range):
                    appendWordIDs(text, range: range, scratch: &scratch, limit: limit, into: &ids)
                }
            }
        }
    }

    /// HF's `BertPreTokenizer` fused with the model: split on whitespace, isolate punctuation, WordPiece each word.
    private func appendWordIDs(
        _ text: UnsafeBufferPointer<Unicode.Scalar>,
        range: Range<Int>,
        scratch: inout Scratch,
        limit: Int,
        into ids: inout [Int32]
    ) {
        var wordStart = -1
        var index = range.lowerBound
        while index < range.upperBound {
            let scalar = text[index]
            let isSpace = UnicodeClassifier.isWhitespace(scalar)
            if isSpace || UnicodeClassifier.isPunctuation(scalar) {
                if wordStart >= 0 {
                    model.tokenize(UnsafeBufferPointer(rebasing: text[wordStart..<index]), bytes: &scratch.wordBytes,
                                   boundaries: &scratch.boundaries, into: &ids)
                    wordStart = -1
                    if ids.count >= limit { return }
                }
                if !isSpace {
                    model.tokenize(UnsafeBufferPointer(rebasing: text[index..<index + 1]),
                                   bytes: &scratch.wordBytes, boundaries: &scratch.boundaries, into: &ids)
                    if ids.count >= limit { return }
                }
            } else if wordStart < 0 {
                wordStart = index
            }
            index += 1
        }
        if wordStart >= 0 {
            model.tokenize(UnsafeBufferPointer(rebasing: text[wordStart..<range.upperBound]),
                           bytes: &scratch.wordBytes, boundaries: &scratch.boundaries, into: &ids)
        }
    }
}
