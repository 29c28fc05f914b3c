/// Expression tokens: names, string/number literals, operators.
extension Lexer {
    private static let operators2 = ["//", "**", "==", "!=", ">=", "<="]
    private static let operators1 = Set("+-/*%~[](){}<>=.:|,;".unicodeScalars)

    private static func isNameStart(_ s: Unicode.Scalar) -> Bool {
        s == "_" || (s.isASCII && s.properties.isAlphabetic) || (!s.isASCII && s.properties.isXIDStart)
    }

    private static func isNameContinue(_ s: Unicode.Scalar) -> Bool {
        s == "_" || (s.isASCII && (s.properties.isAlphabetic || ("0"..."9").contains(s)))
            || (!s.isASCII && s.properties.isXIDContinue)
    }

    private static func isDigit(_ s: Unicode.Scalar) -> Bool { ("0"..."9").contains(s) }

    mutating func lexToken() throws -> TokenKind {
        let s = src[pos]
        if s == "'" || s == "\"" { return .string(try lexString(quote: s)) }
        if Self.isDigit(s) { return try lexNumber() }
        if Self.isNameStart(s) {
            var name = String()
            while pos < src.count, Self.isNameContinue(src[pos]) {
                name.unicodeScalars.append(src[pos])
                pos += 1
            }
            return .name(name)
        }
        for op in Self.operators2 where at(pos, op) {
            pos += 2
            return .op(op)
        }
        if Self.operators1.contains(s) {
            pos += 1
            return .op(String(s))
        }
        throw TemplateError("unexpected char '\(Character(s))'", line: line)
    }

    /// Digits with optional `_` separators starting at `pos`; returns them without `_`.
    private mutating func digitRun(allowed: (Unicode.Scalar) -> Bool) -> String {
        var text = ""
        while pos < src.count {
            if allowed(src[pos]) {
                text.unicodeScalars.append(src[pos])
                pos += 1
            } else if src[pos] == "_", pos + 1 < src.count, allowed(src[pos + 1]), !text.isEmpty {
                pos += 1
            } else {
                break
            }
        }
        return text
    }

    private mutating func lexNumber() throws -> TokenKind {
        if src[pos] == "0", pos + 1 < src.count {
            let radixMark = src[pos + 1]
            let radix: Int? = radixMark == "x" || radixMark == "X" ? 16
                : radixMark == "o" || radixMark == "O" ? 8
                : radixMark == "b" || radixMark == "B" ? 2 : nil
            if let radix {
                pos += 2
                if pos < src.count, src[pos] == "_" { pos += 1 }
                let digits = digitRun { Int(String($0), radix: radix) != nil }
                guard let value = Int(digits, radix: radix) else {
                    throw TemplateError("integer literal out of range", line: line)
                }
                return .int(value)
            }
        }
        let integerPart = digitRun(allowed: Self.isDigit)
        var text = integerPart
        var isFloat = false
        if pos + 1 < src.count, src[pos] == ".", Self.isDigit(src[pos + 1]) {
            pos += 1
            text += "." + digitRun(allowed: Self.isDigit)
            isFloat = true
        }
        if pos < src.count, src[pos] == "e" || src[pos] == "E" {
            var j = pos + 1
            var exponent = "e"
            if j < src.count, src[j] == "+" || src[j] == "-" {
                exponent.unicodeScalars.append(src[j])
                j += 1
            }
            if j < src.count, Self.isDigit(src[j]) {
                pos = j
                text += exponent + digitRun(allowed: Self.isDigit)
                isFloat = true
            }
        }
        if isFloat {
            guard let value = Double(text) else { throw TemplateError("bad float literal", line: line) }
            return .float(value)
        }
        guard let value = Int(text) else { throw TemplateError("integer literal out of range", line: line) }
        return .int(value)
    }

    /// A quoted literal with Python escape sequences (`\n`, `\t`, `\xNN`,
    /// `\uNNNN`, `\UNNNNNNNN`, octal, backslash-newline continuation; unknown
    /// escapes keep their backslash, as Python's `unicode-escape` does).
    private mutating func lexString(quote: Unicode.Scalar) throws -> String {
        let startLine = line
        pos += 1
        var out = String.UnicodeScalarView()
        while true {
            guard pos < src.count else { throw TemplateError("unterminated string", line: startLine) }
            let s = src[pos]
            pos += 1
            if s == quote { break }
            if s == "\n" { line += 1 }
            guard s == "\\" else {
                out.append(s)
                continue
            }
            guard pos < src.count else { throw TemplateError("unterminated string", line: startLine) }
            let e = src[pos]
            pos += 1
            switch e {
            case "\n": line += 1
            case "\\": out.append("\\")
            case "'": out.append("'")
            case "\"": out.append("\"")
            case "a": out.append("\u{07}")
            case "b": out.append("\u{08}")
            case "f": out.append("\u{0C}")
            case "n": out.append("\n")
            case "r": out.append("\r")
            case "t": out.append("\t")
            case "v": out.append("\u{0B}")
            case "x", "u", "U":
                let width = e == "x" ? 2 : e == "u" ? 4 : 8
                guard pos + width <= src.count else { throw TemplateError("truncated \\\(e) escape", line: line) }
                var hex = ""
                hex.unicodeScalars.append(contentsOf: src[pos..<(pos + width)])
                guard let code = UInt32(hex, radix: 16), let scalar = Unicode.Scalar(code) else {
                    throw TemplateError("bad \\\(e) escape", line: line)
                }
                pos += width
                out.append(scalar)
            case "0"..."7":
                var code = e.value - 0x30
                var count = 1
                while count < 3, pos < src.count, ("0"..."7").contains(src[pos]) {
                    code = code * 8 + (src[pos].value - 0x30)
                    pos += 1
                    count += 1
                }
                out.append(Unicode.Scalar(code) ?? "\u{FFFD}")
            default:
                out.append("\\")
                out.append(e)
            }
        }
        return String(out)
    }
}
