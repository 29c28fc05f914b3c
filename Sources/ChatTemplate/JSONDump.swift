/// Python's `json.dumps(value, ensure_ascii=False, indent=…, separators=…,
/// sort_keys=…)`, byte for byte: transformers' `tojson` filter.
struct JSONDump {
    var indent: String?
    var itemSeparator: String
    var keySeparator: String
    var sortKeys: Bool
    var maxBytes: Int
    /// Escape every non-ASCII character as `\uXXXX` (surrogate pairs above U+FFFF).
    var ensureASCII = false

    init(indent: String?, separators: (String, String)?, sortKeys: Bool, maxBytes: Int) {
        self.indent = indent
        self.itemSeparator = separators?.0 ?? (indent == nil ? ", " : ",")
        self.keySeparator = separators?.1 ?? ": "
        self.sortKeys = sortKeys
        self.maxBytes = maxBytes
    }

    func dump(_ value: Value) throws -> String {
        var out = ""
        try write(value, level: 0, into: &out)
        return out
    }

    private func write(_ value: Value, level: Int, into out: inout String) throws {
        if out.utf8.count > maxBytes { throw TemplateError("value too large") }
        guard level < 512 else { throw TemplateError("maximum recursion depth exceeded while encoding JSON") }
        switch value {
        case .none: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .int(let i): out += String(i)
        case .double(let d):
            if d.isNaN { out += "NaN" } else if d.isInfinite { out += d < 0 ? "-Infinity" : "Infinity" } else { out += PythonFormat.float(d) }
        case .string(let s): Self.quote(s, ascii: ensureASCII, into: &out)
        case .list(let items), .tuple(let items):
            guard !items.isEmpty else {
                out += "[]"
                return
            }
            out += "["
            for (i, item) in items.enumerated() {
                out += i == 0 ? newline(level + 1) : itemSeparator + newline(level + 1)
                try write(item, level: level + 1, into: &out)
            }
            out += newline(level) + "]"
        case .dict(let dict):
            try writeObject(dict.entries, level: level, into: &out)
        case .namespace(let box):
            try writeObject(box.attributes.entries, level: level, into: &out)
        case .undefined:
            throw TemplateError("Object of type Undefined is not JSON serializable")
        case .callable:
            throw TemplateError("Object of type function is not JSON serializable")
        }
    }

    private func writeObject(_ entries: [(key: String, value: Value)], level: Int, into out: inout String) throws {
        guard !entries.isEmpty else {
            out += "{}"
            return
        }
        var ordered = entries
        if sortKeys { ordered.sort { $0.key.unicodeScalars.lexicographicallyPrecedes($1.key.unicodeScalars) } }
        out += "{"
        for (i, entry) in ordered.enumerated() {
            out += i == 0 ? newline(level + 1) : itemSeparator + newline(level + 1)
            Self.quote(entry.key, ascii: ensureASCII, into: &out)
            out += keySeparator
            try write(entry.value, level: level + 1, into: &out)
        }
        out += newline(level) + "}"
    }

    private func newline(_ level: Int) -> String {
        guard let indent else { return "" }
        return "\n" + String(repeating: indent, count: level)
    }

    /// A JSON string with only `"`, `\`, and control characters escaped
    /// (`ensure_ascii=False`).
    static func quote(_ s: String, ascii: Bool, into out: inout String) {
        out += "\""
        for c in s.unicodeScalars {
            switch c {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            default:
                if c.value < 0x20 || (ascii && c.value > 0x7E) {
                    if c.value > 0xFFFF {
                        let v = c.value - 0x10000
                        out += hex4(0xD800 + (v >> 10)) + hex4(0xDC00 + (v & 0x3FF))
                    } else {
                        out += hex4(c.value)
                    }
                } else {
                    out.unicodeScalars.append(c)
                }
            }
        }
        out += "\""
    }

    private static func hex4(_ v: UInt32) -> String {
        let hex = String(v, radix: 16)
        return "\\u" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    }
}
