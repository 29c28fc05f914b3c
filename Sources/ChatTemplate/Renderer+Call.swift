/// Calling things: global functions, macros, and bound methods.
extension Renderer {
    func call(_ callee: Value, _ positional: [Value], _ keyword: [(String, Value)]) throws -> Value {
        switch callee {
        case .callable(.global(let name)):
            return try Globals.call(name, positional, keyword, renderer: self)
        case .callable(.macro(let macro, let scopeDepth)):
            return try callMacro(macro, scopeDepth: scopeDepth, positional, keyword)
        case .callable(.method(let receiver, let name)):
            return try Methods.call(receiver, name, positional, keyword, renderer: self)
        case .undefined(let name):
            throw TemplateError("'\(name ?? "value")' is undefined")
        default:
            throw TemplateError("'\(callee.typeName)' object is not callable")
        }
    }

    /// Runs a macro body in its lexical scope plus a frame holding its
    /// arguments; returns what it printed. Missing arguments are Undefined.
    private func callMacro(
        _ macro: MacroDefinition, scopeDepth: Int, _ positional: [Value], _ keyword: [(String, Value)]
    ) throws -> Value {
        macroDepth += 1
        defer { macroDepth -= 1 }
        if macroDepth > limits.maxMacroDepth { throw TemplateError("maximum recursion depth exceeded") }
        guard positional.count <= macro.parameters.count else {
            throw TemplateError("macro '\(macro.name)' takes not more than \(macro.parameters.count) argument(s)")
        }
        let saved = scopes
        scopes = Array(scopes.prefix(max(1, min(scopeDepth, scopes.count))))
        scopes.append([:])
        defer { scopes = saved }
        var frame: [String: Value] = [:]
        var remaining = keyword
        for (i, (name, defaultExpr)) in macro.parameters.enumerated() {
            let value: Value
            if i < positional.count {
                value = positional[i]
            } else if let k = remaining.firstIndex(where: { $0.0 == name }) {
                value = remaining.remove(at: k).1
            } else if let defaultExpr {
                value = try eval(defaultExpr)
            } else {
                value = .undefined(name)
            }
            frame[name] = value
            scopes[scopes.count - 1][name] = value
        }
        if let k = remaining.firstIndex(where: { $0.0 == "caller" }) {
            scopes[scopes.count - 1]["caller"] = remaining.remove(at: k).1
        }
        if let extra = remaining.first {
            throw TemplateError("macro '\(macro.name)' takes no keyword argument '\(extra.0)'")
        }
        let (text, _) = try capture { try run(macro.body) }
        return .string(text)
    }
}

/// Positional-or-keyword argument access for built-in functions and filters.
struct CallArguments {
    let positional: [Value]
    let keyword: [(String, Value)]

    init(_ positional: [Value], _ keyword: [(String, Value)]) {
        self.positional = positional
        self.keyword = keyword
    }

    /// The argument at `index` (after the filter's subject) or named `name`.
    func value(_ index: Int, _ name: String) -> Value? {
        if index < positional.count { return positional[index] }
        return keyword.last { $0.0 == name }?.1
    }

    func int(_ index: Int, _ name: String, default defaultValue: Int) throws -> Int {
        guard let v = value(index, name) else { return defaultValue }
        guard let i = v.integer else { throw TemplateError("'\(name)' must be an integer") }
        return i
    }

    func bool(_ index: Int, _ name: String, default defaultValue: Bool) -> Bool {
        value(index, name)?.isTruthy ?? defaultValue
    }

    func string(_ index: Int, _ name: String) throws -> String? {
        guard let v = value(index, name) else { return nil }
        switch v {
        case .string(let s): return s
        case .none, .undefined: return nil
        default: throw TemplateError("'\(name)' must be a string")
        }
    }
}

/// Global functions: `range`, `namespace`, `dict`, `raise_exception`,
/// `strftime_now` (transformers' globals plus jinja2's defaults).
enum Globals {
    static let names: Set<String> = ["range", "namespace", "dict", "raise_exception", "strftime_now"]
    /// jinja2's sandbox refuses ranges longer than this.
    static let maxRange = 100_000

    static func call(
        _ name: String, _ positional: [Value], _ keyword: [(String, Value)], renderer: Renderer
    ) throws -> Value {
        switch name {
        case "range":
            guard !positional.isEmpty, positional.count <= 3, keyword.isEmpty else {
                throw TemplateError("range expected 1 to 3 arguments")
            }
            let ints = try positional.map { v -> Int in
                guard let i = v.integer else { throw TemplateError("'\(v.typeName)' object cannot be interpreted as an integer") }
                return i
            }
            let start = ints.count == 1 ? 0 : ints[0]
            let stop = ints.count == 1 ? ints[0] : ints[1]
            let step = ints.count == 3 ? ints[2] : 1
            guard step != 0 else { throw TemplateError("range() arg 3 must not be zero") }
            let span = step > 0 ? stop.subtractingReportingOverflow(start) : start.subtractingReportingOverflow(stop)
            let magnitude = step > 0 ? step : (step == Int.min ? Int.max : -step)
            let length = span.overflow ? Int.max : (span.partialValue <= 0 ? 0 : (span.partialValue - 1) / magnitude + 1)
            if length > maxRange {
                throw TemplateError(
                    "Range too big. The sandbox blocks ranges larger than MAX_RANGE (\(maxRange)).")
            }
            return .list((0..<length).map { .int(start + $0 * step) })
        case "namespace", "dict":
            var dict = Dict()
            for argument in positional {
                guard case .dict(let initial) = argument else {
                    throw TemplateError("\(name)() positional argument must be a mapping")
                }
                for (k, v) in initial.entries { dict[k] = v }
            }
            for (k, v) in keyword { dict[k] = v }
            try renderer.checkNesting(dict.entries.map(\.value))
            if name == "dict" { return .dict(dict) }
            let box = NamespaceBox()
            box.attributes = dict
            return .namespace(box)
        case "raise_exception":
            let message = try positional.first.map(PythonFormat.str) ?? ""
            throw TemplateError(message, raised: true)
        case "strftime_now":
            guard case .string(let format)? = positional.first else {
                throw TemplateError("strftime_now() argument must be a string")
            }
            return .string(Platform.strftimeNow(format))
        default:
            throw TemplateError("'\(name)' is undefined")
        }
    }
}
