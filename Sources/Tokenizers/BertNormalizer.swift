import Foundation

/// HF's `BertNormalizer`: clean text, space out CJK ideographs, strip accents (NFD, drop Mn), then lowercase.
struct BertNormalizer: Sendable, Equatable {
    var cleanText: Bool
    var handleChineseCharacters: Bool
    /// HF's `strip_accents`; `nil` means "same as `lowercase`".
    var stripAccents: Bool?
    var lowercase: Bool

    private var stripsAccents: Bool { stripAccents ?? lowercase }

    /// Normalises `input`, replacing the contents of `output`; `staging` is scratch space reused across calls.
    func normalize(
        _ input: UnsafeBufferPointer<Unicode.Scalar>,
        into output: inout [Unicode.Scalar],
        staging: inout [Unicode.Scalar]
    ) {
        output.removeAll(keepingCapacity: true)
        var hasNonASCII = false
        for scalar in input where scalar.value >= 0x80 {
            hasNonASCII = true
            break
        }
        if !hasNonASCII {
            normalizeASCII(input, into: &output)
            return
        }
        staging.removeAll(keepingCapacity: true)
        for scalar in input {
            appendCleaned(scalar, to: &staging)
        }
        if stripsAccents {
            stripAccents(in: &staging)
        }
        if lowercase {
            for scalar in staging {
                appendLowercased(scalar, to: &output)
            }
        } else {
            output.append(contentsOf: staging)
        }
    }

    /// NFD, then drop non-spacing marks. Scalars that only newer Unicode decomposes stay whole, as in HF;
    /// they are starters, so decomposing the text on either side of them separately gives the same result.
    private func stripAccents(in scalars: inout [Unicode.Scalar]) {
        var pending = String.UnicodeScalarView()
        var result: [Unicode.Scalar] = []
        result.reserveCapacity(scalars.count + 8)
        func flush() {
            guard !pending.isEmpty else { return }
            for scalar in String(pending).decomposedStringWithCanonicalMapping.unicodeScalars
            where !UnicodeClassifier.isNonspacingMark(scalar) {
                result.append(scalar)
            }
            pending.removeAll()
        }
        for scalar in scalars {
            if scalar.value >= 0x10000 && UnicodeClassifier.decomposesOnlyAfterUnicode12(scalar) {
                flush()
                result.append(scalar)
            } else {
                pending.append(scalar)
            }
        }
        flush()
        scalars = result
    }

    private func normalizeASCII(_ input: UnsafeBufferPointer<Unicode.Scalar>, into output: inout [Unicode.Scalar]) {
        for scalar in input {
            var value = scalar.value
            if value < 0x20 || value == 0x7F {
                if cleanText {
                    if value == 0x09 || value == 0x0A || value == 0x0D {
                        value = 0x20
                    } else {
                        continue
                    }
                }
            } else if lowercase && value >= 0x41 && value <= 0x5A {
                value += 0x20
            }
            output.append(Unicode.Scalar(UInt8(truncatingIfNeeded: value)))
        }
    }

    @inline(__always)
    private func appendCleaned(_ scalar: Unicode.Scalar, to output: inout [Unicode.Scalar]) {
        if cleanText {
            if scalar.value == 0 || UnicodeClassifier.isRemovedByCleaning(scalar) { return }
            if UnicodeClassifier.isWhitespace(scalar) {
                output.append(" ")
                return
            }
        }
        if handleChineseCharacters && UnicodeClassifier.isChineseCharacter(scalar) {
            output.append(" ")
            output.append(scalar)
            output.append(" ")
        } else {
            output.append(scalar)
        }
    }

    @inline(__always)
    private func appendLowercased(_ scalar: Unicode.Scalar, to output: inout [Unicode.Scalar]) {
        let value = scalar.value
        if value < 0x80 {
            output.append(value >= 0x41 && value <= 0x5A ? Unicode.Scalar(UInt8(value + 0x20)) : scalar)
            return
        }
        let properties = scalar.properties
        if properties.changesWhenLowercased {
            output.append(contentsOf: properties.lowercaseMapping.unicodeScalars)
        } else {
            output.append(scalar)
        }
    }
}
