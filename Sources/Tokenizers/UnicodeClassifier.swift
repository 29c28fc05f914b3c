import Foundation

/// Character classes exactly as Hugging Face `tokenizers` sees them for BERT normalisation and pre-tokenisation.
///
/// HF takes control, format, private-use, punctuation and non-spacing-mark categories from the Rust
/// `unicode_categories` crate, whose tables hold Unicode 8.0 data (checked against HF on every scalar by
/// `UnicodeTableTests`). So a scalar counts only if Unicode 8.0 assigned it (`age`), with the few scalars whose
/// category changed since 8.0 listed as exceptions.
/// Whitespace and CJK ranges follow Rust's `char::is_whitespace` and HF's `is_chinese_char`.
enum UnicodeClassifier {
    /// Scalars whose general category moved out of P* after Unicode 8.0 but that HF still treats as punctuation.
    private static let extraPunctuation: Set<UInt32> = [0x166D, 0x111C9]
    /// Scalars that are Mn now but were not in Unicode 8.0 (HF keeps them when stripping accents).
    private static let formerlyNotNonspacing: Set<UInt32> = [0x1885, 0x1886, 0xA9BD, 0x111C9]
    /// Scalars that were Mn in Unicode 8.0 but are not now (HF strips them).
    private static let formerlyNonspacing: Set<UInt32> = [0x1734, 0x1171E]

    @inline(__always)
    private static func assignedByUnicode8(_ properties: Unicode.Scalar.Properties) -> Bool {
        guard let age = properties.age else { return false }
        return age.major < 8 || (age.major == 8 && age.minor == 0)
    }

    /// Whether `clean_text` deletes the scalar: NUL, U+FFFD, and Cc/Cf/Co except tab, LF and CR.
    static func isRemovedByCleaning(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        if value < 0x80 {
            return value < 0x20 ? (value != 0x09 && value != 0x0A && value != 0x0D) : value == 0x7F
        }
        if value == 0xFFFD { return true }
        let properties = scalar.properties
        switch properties.generalCategory {
        case .control, .format, .privateUse:
            return assignedByUnicode8(properties)
        default:
            return false
        }
    }

    /// Rust's `char::is_whitespace` (the Unicode White_Space property).
    @inline(__always)
    static func isWhitespace(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        if value < 0x80 {
            return value == 0x20 || (value >= 0x09 && value <= 0x0D)
        }
        switch value {
        case 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000:
            return true
        default:
            return false
        }
    }

    /// HF's `is_chinese_char`: the CJK ideograph blocks that get spaces around them.
    @inline(__always)
    static func isChineseCharacter(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x4E00...0x9FFF, 0x3400...0x4DBF, 0x20000...0x2A6DF, 0x2A700...0x2B73F, 0x2B740...0x2B81F,
             0x2B920...0x2CEAF, 0xF900...0xFAFF, 0x2F800...0x2FA1F:
            return true
        default:
            return false
        }
    }

    /// HF's BERT punctuation: ASCII 33-47, 58-64, 91-96, 123-126, or a Unicode 8.0 P* category.
    static func isPunctuation(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        if value < 0x80 {
            return (value >= 33 && value <= 47) || (value >= 58 && value <= 64) || (value >= 91 && value <= 96)
                || (value >= 123 && value <= 126)
        }
        let properties = scalar.properties
        switch properties.generalCategory {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation, .initialPunctuation,
             .finalPunctuation, .otherPunctuation:
            return assignedByUnicode8(properties) || extraPunctuation.contains(value)
        default:
            return extraPunctuation.contains(value)
        }
    }

    /// Whether accent stripping removes the scalar (a Unicode 8.0 non-spacing mark).
    static func isNonspacingMark(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        if value < 0x300 { return false }
        let properties = scalar.properties
        if properties.generalCategory == .nonspacingMark {
            return assignedByUnicode8(properties) && !formerlyNotNonspacing.contains(value)
        }
        return formerlyNonspacing.contains(value)
    }

    /// Whether only Unicode 13 or later decomposes the scalar; HF's NFD tables are older and leave it whole.
    /// All such scalars are outside the BMP (U+11938 DIVES AKURU VOWEL SIGN O and later).
    static func decomposesOnlyAfterUnicode12(_ scalar: Unicode.Scalar) -> Bool {
        guard scalar.value >= 0x10000, let age = scalar.properties.age, age.major >= 13 else { return false }
        let decomposed = String(Character(scalar)).decomposedStringWithCanonicalMapping.unicodeScalars
        return decomposed.count != 1 || decomposed.first != scalar
    }

    /// The regex `\w` class HF uses for `single_word` added tokens: alphabetic, marks, digits, Pc, joiners.
    static func isWordCharacter(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        if value < 0x80 {
            return (value >= 0x30 && value <= 0x39) || (value >= 0x41 && value <= 0x5A)
                || (value >= 0x61 && value <= 0x7A) || value == 0x5F
        }
        let properties = scalar.properties
        if properties.isAlphabetic || properties.isJoinControl { return true }
        switch properties.generalCategory {
        case .nonspacingMark, .spacingMark, .enclosingMark, .decimalNumber, .connectorPunctuation:
            return true
        default:
            return false
        }
    }
}
