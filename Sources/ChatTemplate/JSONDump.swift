/// Python's `json.dumps(value, ensure_ascii=False, indent=…, separators=…,
/// sort_keys=…)`, byte for byte: transformers' `tojson` filter.
struct JSONDump {
    var indent: String?
    var itemSeparator: String
    var keySeparator: String
    var sortKeys: Bool
    var maxBytes: Int

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
        case .string(let s): Self.quote(s, into: &out)
        case .list(let items):
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
            Self.quote(entry.key, into: &out)
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
    static func quote(_ s: String, into out: inout String) {
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
                if c.value < 0x20 {
                    let hex = String(c.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(c)
                }
            }
        }
        out += "\""
    }
}
