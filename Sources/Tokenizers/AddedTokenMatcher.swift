/// Finds added tokens in a run of scalars the way HF's `AddedVocabulary` does: leftmost-longest, non-overlapping
/// matches, then the `single_word`, `lstrip` and `rstrip` rules, splitting the text around the kept matches.
struct AddedTokenMatcher: Sendable {
    /// A piece of the input: plain text to tokenise, or an added token's id.
    enum Segment: Equatable {
        case text(Range<Int>)
        case token(Int32)
    }

    private struct Pattern: Sendable {
        var scalars: [Unicode.Scalar]
        var token: AddedToken
    }

    /// Patterns grouped by first scalar, longest first.
    private let patternsByFirstScalar: [UInt32: [Pattern]]

    var isEmpty: Bool { patternsByFirstScalar.isEmpty }

    /// Builds a matcher for `tokens`, spelling each pattern through `transform` (the normaliser, for tokens
    /// matched after normalisation); tokens whose pattern comes out empty are never matched, as in HF.
    init(tokens: [AddedToken], transform: (String) -> [Unicode.Scalar] = { Array($0.unicodeScalars) }) {
        var groups: [UInt32: [Pattern]] = [:]
        for token in tokens {
            let scalars = transform(token.content)
            guard let first = scalars.first else { continue }
            groups[first.value, default: []].append(Pattern(scalars: scalars, token: token))
        }
        for key in groups.keys {
            groups[key]?.sort { $0.scalars.count > $1.scalars.count }
        }
        patternsByFirstScalar = groups
    }

    /// Splits `text` into segments, replacing the contents of `segments`.
    func split(_ text: UnsafeBufferPointer<Unicode.Scalar>, into segments: inout [Segment]) {
        segments.removeAll(keepingCapacity: true)
        var textStart = 0
        var position = 0
        if !patternsByFirstScalar.isEmpty {
            while position < text.count {
                guard let candidates = patternsByFirstScalar[text[position].value],
                      let pattern = Self.longestMatch(candidates, in: text, at: position)
                else {
                    position += 1
                    continue
                }
                var start = position
                var stop = position + pattern.scalars.count
                position = stop
                let token = pattern.token
                if token.singleWord {
                    let clearBefore = start == 0 || !UnicodeClassifier.isWordCharacter(text[start - 1])
                    let clearAfter = stop == text.count || !UnicodeClassifier.isWordCharacter(text[stop])
                    if !clearBefore || !clearAfter { continue }
                }
                if token.leftStrip {
                    while start > textStart && UnicodeClassifier.isWhitespace(text[start - 1]) {
                        start -= 1
                    }
                }
                if token.rightStrip {
                    while stop < text.count && UnicodeClassifier.isWhitespace(text[stop]) {
                        stop += 1
                    }
                }
                if textStart < start {
                    segments.append(.text(textStart..<start))
                }
                segments.append(.token(token.id))
                textStart = max(textStart, stop)
            }
        }
        if textStart < text.count {
            segments.append(.text(textStart..<text.count))
        }
    }

    @inline(__always)
    private static func longestMatch(
        _ candidates: [Pattern],
        in text: UnsafeBufferPointer<Unicode.Scalar>,
        at position: Int
    ) -> Pattern? {
        let available = text.count - position
        for pattern in candidates where pattern.scalars.count <= available {
            var index = 1
            let scalars = pattern.scalars
            while index < scalars.count && scalars[index] == text[position + index] {
                index += 1
            }
            if index == scalars.count { return pattern }
        }
        return nil
    }
}
