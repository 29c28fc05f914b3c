/// Binary operators with Python semantics: checked integer arithmetic
/// (overflow is an error, never a trap), true and floor division, Python's
/// modulo sign rule, string/list concatenation and repetition (size-capped),
/// and jinja2's `~` (string concatenation of `str()` forms).
enum Arithmetic {
    static func apply(_ op: String, _ a: Value, _ b: Value, renderer: Renderer) throws -> Value {
        if op == "~" {
            let (x, y) = (try PythonFormat.str(a), try PythonFormat.str(b))
            try renderer.checkSize(x.utf8.count + y.utf8.count)
            let text = x + y
            return .string(text)
        }
        if case .undefined(let name) = a { throw TemplateError("'\(name ?? "value")' is undefined") }
        if case .undefined(let name) = b { throw TemplateError("'\(name ?? "value")' is undefined") }
        switch (op, a, b) {
        case ("+", .string(let x), .string(let y)):
            try renderer.checkSize(x.utf8.count + y.utf8.count)
            return .string(x + y)
        case ("+", .list(let x), .list(let y)):
            try renderer.checkSize(x.count + y.count)
            return .list(x + y)
        case ("+", .tuple(let x), .tuple(let y)):
            try renderer.checkSize(x.count + y.count)
            return .tuple(x + y)
        case ("*", .string(let s), _), ("*", _, .string(let s)):
            guard let n = (a.integer != nil ? a.integer : b.integer) else { break }
            let (total, overflow) = s.utf8.count.multipliedReportingOverflow(by: max(n, 0))
            if overflow { throw TemplateError("value too large") }
            try renderer.checkSize(total)
            return .string(String(repeating: s, count: max(n, 0)))
        case ("*", .list(let items), _), ("*", _, .list(let items)),
            ("*", .tuple(let items), _), ("*", _, .tuple(let items)):
            guard let n = (a.integer != nil ? a.integer : b.integer) else { break }
            let (total, overflow) = items.count.multipliedReportingOverflow(by: max(n, 0))
            if overflow { throw TemplateError("value too large") }
            try renderer.checkSize(total)
            var out: [Value]
            if items.count == 1 {
                out = Array(repeating: items[0], count: max(n, 0))
            } else {
                out = []
                out.reserveCapacity(total)
                for _ in 0..<max(n, 0) { out.append(contentsOf: items) }
            }
            if case .tuple = a { return .tuple(out) }
            if case .tuple = b { return .tuple(out) }
            return .list(out)
        default:
            break
        }
        if let x = a.integer, let y = b.integer { return try integer(op, x, y) }
        if let x = a.number, let y = b.number { return try double(op, x, y) }
        throw TemplateError(
            "unsupported operand type(s) for \(op): '\(a.typeName)' and '\(b.typeName)'")
    }

    private static func checked(_ result: (partialValue: Int, overflow: Bool)) throws -> Value {
        if result.overflow { throw TemplateError("integer overflow") }
        return .int(result.partialValue)
    }

    static func integer(_ op: String, _ x: Int, _ y: Int) throws -> Value {
        switch op {
        case "+": return try checked(x.addingReportingOverflow(y))
        case "-": return try checked(x.subtractingReportingOverflow(y))
        case "*": return try checked(x.multipliedReportingOverflow(by: y))
        case "/":
            guard y != 0 else { throw TemplateError("division by zero") }
            return .double(Double(x) / Double(y))
        case "//":
            guard y != 0 else { throw TemplateError("integer division or modulo by zero") }
            let (q, overflow) = x.dividedReportingOverflow(by: y)
            if overflow { throw TemplateError("integer overflow") }
            let r = x - q * y
            return .int(r != 0 && ((r < 0) != (y < 0)) ? q - 1 : q)
        case "%":
            guard y != 0 else { throw TemplateError("integer division or modulo by zero") }
            let (r, overflow) = x.remainderReportingOverflow(dividingBy: y)
            if overflow { return .int(0) }
            return .int(r != 0 && ((r < 0) != (y < 0)) ? r + y : r)
        case "**":
            if y < 0 { return try double(op, Double(x), Double(y)) }
            var result = 1
            var base = x
            var exponent = y
            while exponent > 0 {
                if exponent & 1 == 1 {
                    let (r, o) = result.multipliedReportingOverflow(by: base)
                    if o { throw TemplateError("integer overflow") }
                    result = r
                }
                exponent >>= 1
                if exponent > 0 {
                    let (b, o) = base.multipliedReportingOverflow(by: base)
                    if o { throw TemplateError("integer overflow") }
                    base = b
                }
            }
            return .int(result)
        default:
            throw TemplateError("unknown operator \(op)")
        }
    }

    static func double(_ op: String, _ x: Double, _ y: Double) throws -> Value {
        switch op {
        case "+": return .double(x + y)
        case "-": return .double(x - y)
        case "*": return .double(x * y)
        case "/":
            guard y != 0 else { throw TemplateError("float division by zero") }
            return .double(x / y)
        case "//":
            guard y != 0 else { throw TemplateError("float floor division by zero") }
            return .double((x / y).rounded(.down))
        case "%":
            guard y != 0 else { throw TemplateError("float modulo") }
            var r = x.truncatingRemainder(dividingBy: y)
            if r != 0, (r < 0) != (y < 0) { r += y }
            return .double(r)
        case "**":
            if x == 0, y < 0 { throw TemplateError("0.0 cannot be raised to a negative power") }
            return .double(Platform.power(x, y))
        default:
            throw TemplateError("unknown operator \(op)")
        }
    }
}
