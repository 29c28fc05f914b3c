/// Python `str` operations over Unicode scalars (Python strings are sequences
/// of code points, so lengths, indices and searches count scalars).
enum StringOps {
    static func scalars(_ s: String) -> [Unicode.Scalar] { Array(s.unicodeScalars) }

    static func string<C: Sequence>(_ scalars: C) -> String where C.Element == Unicode.Scalar {
        var out = String.UnicodeScalarView()
        out.append(contentsOf: scalars)
        return String(out)
    }

    /// Index of the first occurrence of `needle` in `hay` at or after `from`.
    /// The naive scan is O(n·m) on hostile input, so it polls `meter`.
    static func find(
        _ hay: [Unicode.Scalar], _ needle: [Unicode.Scalar], from: Int = 0, meter: WorkMeter
    ) throws -> Int? {
        guard needle.count <= hay.count else { return nil }
        if needle.isEmpty { return from <= hay.count ? from : nil }
        var i = max(from, 0)
        while i + needle.count <= hay.count {
            if hay[i] == needle[0] {
                try meter.add(needle.count)
                if hay[i..<(i + needle.count)].elementsEqual(needle) { return i }
            } else {
                try meter.add()
            }
            i += 1
        }
        return nil
    }

    static func rfind(_ hay: [Unicode.Scalar], _ needle: [Unicode.Scalar], meter: WorkMeter) throws -> Int? {
        guard needle.count <= hay.count else { return nil }
        var i = hay.count - needle.count
        while i >= 0 {
            try meter.add(needle.count)
            if hay[i..<(i + needle.count)].elementsEqual(needle) { return i }
            i -= 1
        }
        return nil
    }

    static func count(_ hay: String, _ needle: String, meter: WorkMeter) throws -> Int {
        let h = scalars(hay)
        let n = scalars(needle)
        if n.isEmpty { return h.count + 1 }
        var total = 0
        var i = 0
        while let found = try find(h, n, from: i, meter: meter) {
            total += 1
            i = found + n.count
        }
        return total
    }

    /// `str.strip/lstrip/rstrip(chars)`; nil chars means whitespace.
    static func strip(_ s: String, _ chars: String?, leading: Bool, trailing: Bool) -> String {
        let set = chars.map { Set($0.unicodeScalars) }
        let strip: (Unicode.Scalar) -> Bool = { set?.contains($0) ?? Lexer.isSpace($0) }
        let v = scalars(s)
        var start = 0
        var end = v.count
        if leading { while start < end, strip(v[start]) { start += 1 } }
        if trailing { while end > start, strip(v[end - 1]) { end -= 1 } }
        return string(v[start..<end])
    }

    /// `str.replace(old, new, count)`. The result is built scalar by scalar
    /// and refused as soon as it passes `maxScalars` (a scalar is at least one
    /// UTF-8 byte, so this never refuses a result under a byte cap of the same size).
    static func replace(
        _ s: String, _ old: String, _ new: String, count limit: Int, maxScalars: Int, meter: WorkMeter
    ) throws -> String {
        let h = scalars(s)
        let o = scalars(old)
        let n = scalars(new)
        var out: [Unicode.Scalar] = []
        func append<C: Collection>(_ part: C) throws where C.Element == Unicode.Scalar {
            if part.count > maxScalars - out.count { throw TemplateError("value too large") }
            try meter.add(part.count)
            out.append(contentsOf: part)
        }
        var replaced = 0
        if o.isEmpty {
            for c in h {
                if limit < 0 || replaced < limit {
                    try append(n)
                    replaced += 1
                }
                try append(CollectionOfOne(c))
            }
            if limit < 0 || replaced < limit { try append(n) }
            return string(out)
        }
        var i = 0
        while limit < 0 || replaced < limit, let found = try find(h, o, from: i, meter: meter) {
            try append(h[i..<found])
            try append(n)
            i = found + o.count
            replaced += 1
        }
        try append(h[i...])
        return string(out)
    }

    /// `str.split(sep, maxsplit)`; nil `sep` splits on whitespace runs.
    static func split(_ s: String, _ sep: String?, maxSplit: Int, meter: WorkMeter) throws -> [String] {
        let h = scalars(s)
        guard let sep else {
            var parts: [String] = []
            var i = 0
            while i < h.count {
                while i < h.count, Lexer.isSpace(h[i]) { i += 1 }
                guard i < h.count else { break }
                if maxSplit >= 0, parts.count == maxSplit {
                    var end = h.count
                    while end > i, Lexer.isSpace(h[end - 1]) { end -= 1 }
                    parts.append(string(h[i..<end]))
                    return parts
                }
                let start = i
                while i < h.count, !Lexer.isSpace(h[i]) { i += 1 }
                parts.append(string(h[start..<i]))
            }
            return parts
        }
        let n = scalars(sep)
        guard !n.isEmpty else { throw TemplateError("empty separator") }
        var parts: [String] = []
        var i = 0
        while maxSplit < 0 || parts.count < maxSplit, let found = try find(h, n, from: i, meter: meter) {
            parts.append(string(h[i..<found]))
            i = found + n.count
        }
        parts.append(string(h[i...]))
        return parts
    }

    /// `str.rsplit(sep, maxsplit)`.
    static func rsplit(_ s: String, _ sep: String?, maxSplit: Int, meter: WorkMeter) throws -> [String] {
        if maxSplit < 0 { return try split(s, sep, maxSplit: -1, meter: meter) }
        let reversed = string(scalars(s).reversed())
        let reversedSep = sep.map { string(scalars($0).reversed()) }
        return try split(reversed, reversedSep, maxSplit: maxSplit, meter: meter).reversed().map { string(scalars($0).reversed()) }
    }

    static func lower(_ s: String) -> String { s.lowercased() }
    static func upper(_ s: String) -> String { s.uppercased() }

    /// `str.capitalize()`: first character upper-cased, the rest lower-cased.
    static func capitalize(_ s: String) -> String {
        let v = scalars(s)
        guard let first = v.first else { return "" }
        return String(first).uppercased() + string(v.dropFirst()).lowercased()
    }

    /// `str.title()`: upper-case letters that follow a non-letter.
    static func title(_ s: String) -> String {
        var out = ""
        var previousCased = false
        for c in s.unicodeScalars {
            let cased = c.properties.isCased
            out += previousCased ? String(c).lowercased() : String(c).uppercased()
            previousCased = cased
        }
        return out
    }

    static func startsWith(_ s: String, _ prefix: String) -> Bool {
        s.unicodeScalars.starts(with: prefix.unicodeScalars)
    }

    static func endsWith(_ s: String, _ suffix: String) -> Bool {
        s.unicodeScalars.reversed().starts(with: suffix.unicodeScalars.reversed())
    }

    /// Python `str.splitlines()` for the common line breaks.
    static func splitLines(_ s: String) -> [String] {
        var lines: [String] = []
        var current = String.UnicodeScalarView()
        var previousCR = false
        for c in s.unicodeScalars {
            if c == "\n", previousCR {
                previousCR = false
                continue
            }
            previousCR = c == "\r"
            switch c {
            case "\n", "\r", "\u{0B}", "\u{0C}", "\u{1C}", "\u{1D}", "\u{1E}", "\u{85}", "\u{2028}", "\u{2029}":
                lines.append(String(current))
                current = String.UnicodeScalarView()
            default:
                current.append(c)
            }
        }
        if !current.isEmpty { lines.append(String(current)) }
        return lines
    }
}
