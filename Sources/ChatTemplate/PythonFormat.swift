/// Python's text forms of values: `str()` (what `{{ x }}` prints) and
/// `repr()` (how items inside a printed list or dict appear).
///
/// A list can repeat a large string millions of times (`[s] * 4000000`), so
/// the text is written into one buffer whose size is checked after every
/// piece: printing stops at `maxBytes` instead of building terabytes.
enum PythonFormat {
    /// The longest text `str`/`repr` will build (the output cap).
    static let maxBytes = 8 << 20

    /// `str(value)`; `Undefined` prints as the empty string, as in jinja2.
    static func str(_ value: Value) throws -> String {
        switch value {
        case .undefined: return ""
        case .string(let s): return s
        default: return try repr(value)
        }
    }

    /// `repr(value)`.
    static func repr(_ value: Value) throws -> String {
        var out = ""
        try write(value, into: &out)
        return out
    }

    private static func write(_ value: Value, into out: inout String) throws {
        switch value {
        case .undefined: break
        case .none: out += "None"
        case .bool(let b): out += b ? "True" : "False"
        case .int(let i): out += String(i)
        case .double(let d): out += float(d)
        case .string(let s):
            // A quoted string is at least two bytes longer than the string.
            if s.utf8.count > maxBytes - 2 - out.utf8.count { throw TemplateError("value too large") }
            out += quote(s)
        case .list(let items):
            out += "["
            try writeItems(items, into: &out)
            out += "]"
        case .tuple(let items):
            out += "("
            try writeItems(items, into: &out)
            out += items.count == 1 ? ",)" : ")"
        case .dict(let dict):
            out += "{"
            for (i, entry) in dict.entries.enumerated() {
                if i > 0 { out += ", " }
                out += quote(entry.key) + ": "
                try write(entry.value, into: &out)
            }
            out += "}"
        case .namespace(let box):
            out += "<Namespace "
            for (i, entry) in box.attributes.entries.enumerated() {
                if i > 0 { out += ", " }
                out += entry.key + "="
                try write(entry.value, into: &out)
            }
            out += ">"
        case .callable(let callable):
            switch callable {
            case .global(let name): out += "<function \(name)>"
            case .macro(let macro, _): out += "<Macro '\(macro.name)'>"
            case .method(_, let name): out += "<built-in method \(name)>"
            }
        }
        if out.utf8.count > maxBytes { throw TemplateError("value too large") }
    }

    private static func writeItems(_ items: [Value], into out: inout String) throws {
        for (i, item) in items.enumerated() {
            if i > 0 { out += ", " }
            try write(item, into: &out)
        }
    }

    /// Python's `repr(float)`: shortest round-trip digits, exponent form when
    /// the decimal exponent is below -4 or above 15.
    static func float(_ d: Double) -> String {
        if d.isNaN { return "nan" }
        if d.isInfinite { return d < 0 ? "-inf" : "inf" }
        if d == 0 { return d.sign == .minus ? "-0.0" : "0.0" }
        let (negative, digits, decpt) = shortestDigits(d)
        let sign = negative ? "-" : ""
        if decpt <= -4 || decpt > 16 {
            var mantissa = String(digits.prefix(1))
            if digits.count > 1 { mantissa += "." + digits.dropFirst() }
            let exponent = decpt - 1
            let magnitude = String(abs(exponent))
            let padded = magnitude.count < 2 ? "0" + magnitude : magnitude
            return sign + mantissa + "e" + (exponent < 0 ? "-" : "+") + padded
        }
        if decpt <= 0 {
            return sign + "0." + String(repeating: "0", count: -decpt) + digits
        }
        if decpt >= digits.count {
            return sign + digits + String(repeating: "0", count: decpt - digits.count) + ".0"
        }
        let cut = digits.index(digits.startIndex, offsetBy: decpt)
        return sign + digits[..<cut] + "." + digits[cut...]
    }

    /// Splits Swift's shortest round-trip description into significant digits
    /// and `decpt`, so that |d| = 0.DIGITS × 10^decpt.
    private static func shortestDigits(_ d: Double) -> (Bool, String, Int) {
        var text = d.magnitude.description
        var exponent = 0
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            exponent = Int(text[text.index(after: e)...]) ?? 0
            text = String(text[..<e])
        }
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        let integerPart = parts.first.map(String.init) ?? ""
        let fraction = parts.count > 1 ? String(parts[1]) : ""
        var digits = integerPart + fraction
        var decpt = integerPart.count + exponent
        while digits.first == "0" {
            digits.removeFirst()
            decpt -= 1
        }
        while digits.last == "0" { digits.removeLast() }
        if digits.isEmpty { digits = "0" }
        return (d.sign == .minus, digits, decpt)
    }

    /// Python's `repr(str)`: single quotes unless the text holds a single quote
    /// and no double quote; escapes backslashes, the quote, and unprintables.
    static func quote(_ s: String) -> String {
        let useDouble = s.contains("'") && !s.contains("\"")
        let q: Character = useDouble ? "\"" : "'"
        var out = String(q)
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if Character(scalar) == q {
                    out += "\\" + String(q)
                } else if isPrintable(scalar) {
                    out.unicodeScalars.append(scalar)
                } else {
                    out += escapeCode(scalar.value)
                }
            }
        }
        out.append(q)
        return out
    }

    private static func escapeCode(_ v: UInt32) -> String {
        let hex = String(v, radix: 16)
        if v <= 0xFF { return "\\x" + String(repeating: "0", count: 2 - hex.count) + hex }
        if v <= 0xFFFF { return "\\u" + String(repeating: "0", count: 4 - hex.count) + hex }
        return "\\U" + String(repeating: "0", count: 8 - hex.count) + hex
    }

    /// Python's `str.isprintable` for one character.
    static func isPrintable(_ scalar: Unicode.Scalar) -> Bool {
        if scalar == " " { return true }
        switch scalar.properties.generalCategory {
        case .control, .format, .surrogate, .privateUse, .unassigned,
            .lineSeparator, .paragraphSeparator, .spaceSeparator:
            return false
        default:
            return true
        }
    }
}
