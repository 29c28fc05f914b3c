/// The tokens a grammar allows at one step: one bit per token id (bit `id % 32` of word `id / 32`), as llguidance
/// computes it. Ids at or past `vocabularySize` are never allowed.
public struct GuidanceMask: Sendable, Equatable {
    /// The number of token ids the mask covers.
    public let vocabularySize: Int
    /// The bits, `(vocabularySize + 31) / 32` words.
    public let words: [UInt32]

    public init(vocabularySize: Int, words: [UInt32]) {
        self.vocabularySize = max(0, min(vocabularySize, words.count * 32))
        self.words = words
    }

    /// Whether `token` may be sampled.
    @inline(__always)
    public func isAllowed(_ token: Int32) -> Bool {
        let id = Int(token)
        guard id >= 0, id < vocabularySize else { return false }
        return words[id >> 5] & (1 << UInt32(id & 31)) != 0
    }

    /// How many tokens are allowed.
    public var allowedCount: Int {
        words.reduce(0) { $0 + $1.nonzeroBitCount }
    }

    /// The allowed ids, ascending.
    public var allowedTokens: [Int32] {
        var tokens: [Int32] = []
        for (index, word) in words.enumerated() where word != 0 {
            var bits = word
            while bits != 0 {
                let bit = bits.trailingZeroBitCount
                let id = index * 32 + bit
                if id < vocabularySize { tokens.append(Int32(id)) }
                bits &= bits - 1
            }
        }
        return tokens
    }

    /// The only allowed token when exactly one is (the grammar forces it), else nil.
    public var forcedToken: Int32? {
        var found: Int32?
        for (index, word) in words.enumerated() where word != 0 {
            guard found == nil, word.nonzeroBitCount == 1 else { return nil }
            found = Int32(index * 32 + word.trailingZeroBitCount)
        }
        return found
    }

    /// Sets every disallowed token's logit to -infinity, in place. Logits past `vocabularySize` are disallowed.
    public func apply(to logits: inout [Float]) {
        logits.withUnsafeMutableBufferPointer { apply(to: $0) }
    }

    /// Sets every disallowed token's logit to -infinity in `logits` (one row, token id = index).
    public func apply(to logits: UnsafeMutableBufferPointer<Float>) {
        let covered = min(logits.count, vocabularySize)
        var index = 0
        while index < covered {
            let word = words[index >> 5]
            let end = min(covered, index + 32)
            if word != UInt32.max {
                for id in index..<end where word & (1 << UInt32(id & 31)) == 0 {
                    logits[id] = -.infinity
                }
            }
            index = end
        }
        for id in covered..<max(covered, logits.count) {
            logits[id] = -.infinity
        }
    }
}
