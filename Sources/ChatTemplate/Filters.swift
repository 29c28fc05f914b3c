/// Names of jinja2 filters this engine implements.
enum Filters {
    static let names: Set<String> = [
        "tojson", "trim", "strip", "length", "count", "lower", "upper", "capitalize", "title", "default", "d",
        "first", "last", "join", "replace", "list", "string", "int", "float", "abs", "round", "reverse",
        "sort", "unique", "items", "dictsort", "selectattr", "rejectattr", "select", "reject", "map",
        "indent", "safe", "e", "escape", "forceescape", "wordcount", "center", "batch", "sum", "min", "max",
        "attr",
    ]
}

/// Scalar and string filters; collection filters live in Renderer+CollectionFilters.
extension Renderer {
    func applyFilter(_ name: String, _ value: Value, _ positional: [Value], _ keyword: [(String, Value)]) throws -> Value {
        let args = CallArguments(positional, keyword)
        switch name {
        case "tojson": return try toJSON(value, args)
        case "trim", "strip":
            return .string(StringOps.strip(try text(value), try args.string(0, "chars"), leading: true, trailing: true))
        case "length", "count":
            switch value {
            case .string(let s): return .int(s.unicodeScalars.count)
            case .list(let items), .tuple(let items): return .int(items.count)
            case .dict(let d): return .int(d.count)
            case .undefined: return .int(0)
            default: throw TemplateError("object of type '\(value.typeName)' has no len()")
            }
        case "lower": return .string(StringOps.lower(try text(value)))
        case "upper": return .string(StringOps.upper(try text(value)))
        case "capitalize": return .string(StringOps.capitalize(try text(value)))
        case "title": return .string(Self.jinjaTitle(try text(value)))
        case "default", "d":
            let fallback = args.value(0, "default_value") ?? .empty
            let useBoolean = args.bool(1, "boolean", default: false)
            if value.isUndefined || (useBoolean && !value.isTruthy) { return fallback }
            return value
        case "string": return .string(try PythonFormat.str(value))
        case "safe": return value
        case "e", "escape", "forceescape":
            if case .string = value {} else if value.isUndefined { return .empty }
            return .string(Self.htmlEscape(try PythonFormat.str(value)))
        case "int": return try toInt(value, args)
        case "float": return try toFloat(value, args)
        case "abs":
            switch value {
            case .int(let i):
                guard i != Int.min else { throw TemplateError("integer overflow") }
                return .int(abs(i))
            case .bool(let b): return .int(b ? 1 : 0)
            case .double(let d): return .double(abs(d))
            default: throw TemplateError("bad operand type for abs(): '\(value.typeName)'")
            }
        case "round": return try round(value, args)
        case "replace":
            guard let old = try args.string(0, "old"), let new = try args.string(1, "new") else {
                throw TemplateError("replace() needs old and new")
            }
            return .string(try replace(try text(value), old, new, count: try args.int(2, "count", default: -1)))
        case "indent": return try indent(value, args)
        case "wordcount":
            return .int(try text(value).split(whereSeparator: { $0.isWhitespace }).count)
        case "center":
            let s = try text(value)
            let width = try args.int(0, "width", default: 80)
            try checkSize(width)
            let length = s.unicodeScalars.count
            guard width > length else { return .string(s) }
            let total = width - length
            let left = total / 2 + (total & width & 1)
            return .string(String(repeating: " ", count: left) + s + String(repeating: " ", count: total - left))
        case "attr":
            guard let attributeName = try args.string(0, "name") else { throw TemplateError("attr needs a name") }
            if value.isUndefined { return .undefined(attributeName) }
            return try attribute(value, attributeName)
        default:
            return try applyCollectionFilter(name, value, args)
        }
    }

    /// The string a string filter works on (`str()` of non-strings, as jinja2's `soft_str`).
    func text(_ value: Value) throws -> String {
        try PythonFormat.str(value)
    }

    /// transformers' `tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False)`.
    private func toJSON(_ value: Value, _ args: CallArguments) throws -> Value {
        let ensureASCII = args.bool(0, "ensure_ascii", default: false)
        var indent: String?
        switch args.value(1, "indent") {
        case .int(let n)?: indent = String(repeating: " ", count: max(0, min(n, 64)))
        case .string(let s)?: indent = s
        case .none?, .undefined?, nil: indent = nil
        case let other?: throw TemplateError("indent must be int or str, not \(other.typeName)")
        }
        var separators: (String, String)?
        if let sep = args.value(2, "separators"), let parts = sep.sequenceItems {
            guard parts.count == 2, case .string(let a) = parts[0], case .string(let b) = parts[1] else {
                throw TemplateError("separators must be a pair of strings")
            }
            separators = (a, b)
        }
        let sortKeys = args.bool(3, "sort_keys", default: false)
        var dumper = JSONDump(indent: indent, separators: separators, sortKeys: sortKeys, maxBytes: limits.maxCollection)
        dumper.ensureASCII = ensureASCII
        return .string(try dumper.dump(value))
    }

    /// jinja2's `int(default=0, base=10)`: Python's `int(text, base)`, and when
    /// that fails (any base, including one Python refuses), `int(float(text))`.
    private func toInt(_ value: Value, _ args: CallArguments) throws -> Value {
        let fallback = args.value(0, "default") ?? .int(0)
        let base = try args.int(1, "base", default: 10)
        switch value {
        case .int: return value
        case .bool(let b): return .int(b ? 1 : 0)
        case .double(let d):
            guard d.isFinite, d > -9.2e18, d < 9.2e18 else { return fallback }
            return .int(Int(d))
        case .string(let s):
            let trimmed = StringOps.strip(s, nil, leading: true, trailing: true).replacingUnderscores
            if let i = Self.pythonInt(trimmed, base: base) { return .int(i) }
            // Swift's Double also reads hex floats ("0x1p3"); Python's float does not.
            if !trimmed.contains(where: { $0 == "x" || $0 == "X" }), let d = Double(trimmed),
                d.isFinite, d > -9.2e18, d < 9.2e18
            {
                return .int(Int(d))
            }
            return fallback
        default: return fallback
        }
    }

    /// Python's `int(text, base)` for a stripped, underscore-free `text`: base
    /// 0 reads a `0x`/`0o`/`0b` prefix (else decimal without leading zeros),
    /// bases 16/8/2 accept their own prefix; nil for anything Python refuses,
    /// bases outside 0 and 2...36 included (Swift's parser traps on those).
    static func pythonInt(_ text: String, base: Int) -> Int? {
        guard base == 0 || (2...36).contains(base) else { return nil }
        var body = Substring(text)
        var sign = ""
        if let first = body.first, first == "+" || first == "-" {
            sign = first == "-" ? "-" : ""
            body = body.dropFirst()
        }
        var radix = base
        for (prefix, prefixRadix) in [("0x", 16), ("0o", 8), ("0b", 2)]
        where (base == 0 || base == prefixRadix) && body.lowercased().hasPrefix(prefix) {
            radix = prefixRadix
            body = body.dropFirst(2)
        }
        if radix == 0 {
            radix = 10
            if body.first == "0", body.contains(where: { $0 != "0" }) { return nil }
        }
        guard let first = body.first, first != "+", first != "-" else { return nil }
        return Int(sign + body, radix: radix)
    }

    private func toFloat(_ value: Value, _ args: CallArguments) throws -> Value {
        let fallback = args.value(0, "default") ?? .double(0)
        switch value {
        case .int(let i): return .double(Double(i))
        case .bool(let b): return .double(b ? 1 : 0)
        case .double: return value
        case .string(let s):
            let trimmed = StringOps.strip(s, nil, leading: true, trailing: true)
            switch trimmed.lowercased() {
            case "inf", "+inf", "infinity", "+infinity": return .double(.infinity)
            case "-inf", "-infinity": return .double(-.infinity)
            case "nan", "+nan", "-nan": return .double(.nan)
            default: break
            }
            if let d = Double(trimmed.replacingUnderscores) { return .double(d) }
            return fallback
        default: return fallback
        }
    }

    private func round(_ value: Value, _ args: CallArguments) throws -> Value {
        let precision = try args.int(0, "precision", default: 0)
        let method = try args.string(1, "method") ?? "common"
        guard let x = value.number else { throw TemplateError("type \(value.typeName) doesn't define __round__ method") }
        guard (-30...30).contains(precision) else { return .double(x) }
        var scale = 1.0
        for _ in 0..<abs(precision) { scale *= 10 }
        let scaled = precision >= 0 ? x * scale : x / scale
        let rounded: Double
        switch method {
        case "common":
            if case .int = value, precision >= 0 { return value }
            if precision > 0 { return .double(Platform.roundDecimal(x, digits: precision)) }
            rounded = scaled.rounded(.toNearestOrEven)
        case "ceil": rounded = scaled.rounded(.up)
        case "floor": rounded = scaled.rounded(.down)
        default: throw TemplateError("method must be common, ceil or floor")
        }
        return .double(precision >= 0 ? rounded / scale : rounded * scale)
    }

    /// jinja2's `indent(width=4, first=False, blank=False)`.
    private func indent(_ value: Value, _ args: CallArguments) throws -> Value {
        let s = try text(value)
        let prefix: String
        switch args.value(0, "width") {
        case .string(let p)?: prefix = p
        case let v?:
            guard let n = v.integer else { throw TemplateError("indent width must be int or str") }
            try checkSize(n)
            prefix = String(repeating: " ", count: max(0, n))
        case nil: prefix = "    "
        }
        let first = args.bool(1, "first", default: false)
        let blank = args.bool(2, "blank", default: false)
        var lines = StringOps.splitLines(s + "\n")
        // The result's size, worked out before building it (a long prefix on
        // millions of lines would otherwise be built in full first).
        var size = 0
        var prefixed = first ? 1 : 0
        for (i, line) in lines.enumerated() {
            try addSize(&size, line.utf8.count)
            if i > 0 {
                try addSize(&size, 1)
                if blank || !line.isEmpty { prefixed += 1 }
            }
        }
        try addSize(&size, prefixed, times: prefix.utf8.count)
        var result: String
        if blank {
            result = lines.joined(separator: "\n" + prefix)
        } else {
            result = lines.isEmpty ? "" : lines.removeFirst()
            if !lines.isEmpty {
                result += "\n" + lines.map { $0.isEmpty ? $0 : prefix + $0 }.joined(separator: "\n")
            }
        }
        if first { result = prefix + result }
        try checkSize(result.utf8.count)
        return .string(result)
    }

    /// jinja2's `title`: capitalize each word, words starting after `-`,
    /// whitespace, or an opening bracket.
    static func jinjaTitle(_ s: String) -> String {
        var out = ""
        var atWordStart = true
        for c in s.unicodeScalars {
            let isBoundary = c == "-" || c == "(" || c == "{" || c == "[" || c == "<" || Lexer.isSpace(c)
            if isBoundary {
                out.unicodeScalars.append(c)
                atWordStart = true
            } else {
                out += atWordStart ? String(c).uppercased() : String(c).lowercased()
                atWordStart = false
            }
        }
        return out
    }

    /// markupsafe's escape: `& < > ' "`.
    static func htmlEscape(_ s: String) -> String {
        var out = ""
        for c in s.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "'": out += "&#39;"
            case "\"": out += "&#34;"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }
}

extension String {
    /// Python numeric literals allow `_` between digits.
    var replacingUnderscores: String { String(unicodeScalars.filter { $0 != "_" }.map(Character.init)) }
}
