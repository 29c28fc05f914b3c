/// Splits template source into `Segment`s the way jinja2's lexer does with
/// `trim_blocks=True, lstrip_blocks=True`:
///
/// - `\r\n` and `\r` become `\n`, and one trailing newline is dropped;
/// - `{%-`, `{{-`, `{#-` strip all whitespace before the tag, `-%}`, `-}}`,
///   `-#}` all whitespace after it;
/// - lstrip_blocks: spaces/tabs between a line start and `{%` or `{#` are
///   removed (not for `{{`, not for `{%+`);
/// - trim_blocks: the first newline after `%}` or `#}` is removed (not after `+%}`).
struct Lexer {
    let src: [Unicode.Scalar]
    var pos = 0
    var line = 1
    private var lineStarting = true
    private var segments: [Segment] = []

    init(_ source: String) {
        var scalars: [Unicode.Scalar] = []
        scalars.reserveCapacity(source.unicodeScalars.count)
        var previousCR = false
        for s in source.unicodeScalars {
            if s == "\r" {
                scalars.append("\n")
                previousCR = true
                continue
            }
            if s == "\n", previousCR {
                previousCR = false
                continue
            }
            previousCR = false
            scalars.append(s)
        }
        if scalars.last == "\n" { scalars.removeLast() }
        src = scalars
    }

    static func tokenize(_ source: String) throws -> [Segment] {
        var lexer = Lexer(source)
        try lexer.run()
        return lexer.segments
    }

    func at(_ i: Int, _ text: String) -> Bool {
        var j = i
        for s in text.unicodeScalars {
            guard j < src.count, src[j] == s else { return false }
            j += 1
        }
        return true
    }

    private func fail(_ message: String) -> TemplateError {
        TemplateError(message, line: line)
    }

    private mutating func emitText(_ scalars: ArraySlice<Unicode.Scalar>) {
        guard !scalars.isEmpty else { return }
        var text = String()
        text.unicodeScalars.append(contentsOf: scalars)
        segments.append(.text(text))
    }

    /// Applies the start tag's whitespace control to the text before it.
    private func stripBefore(
        _ text: ArraySlice<Unicode.Scalar>, sign: Unicode.Scalar?, isVariable: Bool, lineStarting: Bool
    ) -> ArraySlice<Unicode.Scalar> {
        if sign == "-" {
            var end = text.endIndex
            while end > text.startIndex, Self.isSpace(text[end - 1]) { end -= 1 }
            return text[text.startIndex..<end]
        }
        guard sign != "+", !isVariable else { return text }
        let lineStart = (text.lastIndex(of: "\n").map { $0 + 1 }) ?? text.startIndex
        guard lineStart > text.startIndex || lineStarting else { return text }
        let tail = text[lineStart...]
        if !tail.isEmpty, tail.allSatisfy(Self.isSpace) { return text[text.startIndex..<lineStart] }
        return text
    }

    /// Python's `str.isspace` for one character (what `\s` matches).
    static func isSpace(_ s: Unicode.Scalar) -> Bool {
        (0x1C...0x1F).contains(s.value) || s.properties.isWhitespace
    }

    private mutating func run() throws {
        while pos < src.count {
            guard let start = nextTagStart(from: pos) else {
                emitText(src[pos...])
                return
            }
            let kind = src[start + 1]
            var after = start + 2
            var sign: Unicode.Scalar?
            if after < src.count, src[after] == "-" || src[after] == "+" {
                sign = src[after]
                after += 1
            }
            let text = src[pos..<start]
            if kind == "%", let rawEnd = rawTagEnd(after) {
                emitText(stripBefore(text, sign: sign, isVariable: false, lineStarting: lineStarting))
                line += text.filter { $0 == "\n" }.count
                pos = rawEnd
                try lexRawBody()
                continue
            }
            emitText(stripBefore(text, sign: sign, isVariable: kind == "{", lineStarting: lineStarting))
            line += text.filter { $0 == "\n" }.count
            pos = after
            switch kind {
            case "#": try lexComment()
            case "{": try lexTag(isBlock: false)
            default: try lexTag(isBlock: true)
            }
        }
    }

    private func nextTagStart(from i: Int) -> Int? {
        var j = i
        while j + 1 < src.count {
            if src[j] == "{", src[j + 1] == "{" || src[j + 1] == "%" || src[j + 1] == "#" { return j }
            j += 1
        }
        return nil
    }

    /// Where a `{% raw %}` tag ends (position after it), if the tag at `i` is one.
    private func rawTagEnd(_ i: Int) -> Int? {
        var j = i
        while j < src.count, Self.isSpace(src[j]) { j += 1 }
        guard at(j, "raw") else { return nil }
        j += 3
        while j < src.count, Self.isSpace(src[j]) { j += 1 }
        if at(j, "-%}") {
            j += 3
            while j < src.count, Self.isSpace(src[j]) { j += 1 }
            return j
        }
        if at(j, "%}") { return j + 2 }
        return nil
    }

    /// Reads a raw block body up to `{% endraw %}`, emitting it as text.
    private mutating func lexRawBody() throws {
        var j = pos
        while let start = nextTagStart(from: j) {
            j = start + 1
            guard src[start + 1] == "%" else { continue }
            var k = start + 2
            var sign: Unicode.Scalar?
            if k < src.count, src[k] == "-" || src[k] == "+" {
                sign = src[k]
                k += 1
            }
            while k < src.count, Self.isSpace(src[k]) { k += 1 }
            guard at(k, "endraw") else { continue }
            k += 6
            while k < src.count, Self.isSpace(src[k]) { k += 1 }
            guard let end = tagEnd(k, close: "%}", trim: true) else { continue }
            let body = src[pos..<start]
            emitText(stripBefore(body, sign: sign, isVariable: false, lineStarting: lineStarting))
            line += src[pos..<end.next].filter { $0 == "\n" }.count
            lineStarting = end.endsWithNewline
            pos = end.next
            return
        }
        throw fail("Missing end of raw directive")
    }

    /// Matches a tag end at `i`: `+close`, `-close` plus following whitespace,
    /// or `close` plus one newline when `trim` (trim_blocks).
    private func tagEnd(_ i: Int, close: String, trim: Bool) -> (next: Int, endsWithNewline: Bool)? {
        if trim, at(i, "+" + close) { return (i + 1 + close.unicodeScalars.count, false) }
        if at(i, "-" + close) {
            var j = i + 1 + close.unicodeScalars.count
            var newline = false
            while j < src.count, Self.isSpace(src[j]) {
                newline = src[j] == "\n"
                j += 1
            }
            return (j, newline)
        }
        if at(i, close) {
            let j = i + close.unicodeScalars.count
            if trim, j < src.count, src[j] == "\n" { return (j + 1, true) }
            return (j, false)
        }
        return nil
    }

    private mutating func lexComment() throws {
        var j = pos
        while j < src.count {
            if let end = tagEnd(j, close: "#}", trim: true) {
                line += src[pos..<end.next].filter { $0 == "\n" }.count
                lineStarting = end.endsWithNewline
                pos = end.next
                return
            }
            j += 1
        }
        throw fail("Missing end of comment tag")
    }

    private mutating func lexTag(isBlock: Bool) throws {
        let tagLine = line
        var tokens: [Token] = []
        var balance: [Unicode.Scalar] = []
        let close = isBlock ? "%}" : "}}"
        while true {
            while pos < src.count, Self.isSpace(src[pos]) {
                if src[pos] == "\n" { line += 1 }
                pos += 1
            }
            guard pos < src.count else {
                throw TemplateError("unexpected end of template, expected '\(close)'", line: tagLine)
            }
            if balance.isEmpty, let end = tagEnd(pos, close: close, trim: isBlock) {
                line += src[pos..<end.next].filter { $0 == "\n" }.count
                lineStarting = end.endsWithNewline
                pos = end.next
                segments.append(isBlock ? .statement(tokens, line: tagLine) : .output(tokens, line: tagLine))
                return
            }
            let token = try lexToken()
            if case .op(let op) = token {
                switch op {
                case "(": balance.append(")")
                case "[": balance.append("]")
                case "{": balance.append("}")
                case ")", "]", "}":
                    guard let expected = balance.popLast() else { throw fail("unexpected '\(op)'") }
                    guard String(expected) == op else { throw fail("unexpected '\(op)', expected '\(expected)'") }
                default: break
                }
            }
            tokens.append(Token(kind: token, line: line))
        }
    }
}
