/// Executes a parsed template against a context, producing text.
///
/// Scoping follows jinja2: each `for` iteration and each macro call gets a
/// fresh frame, so `set` inside them does not leak out (use `namespace()`).
/// Limits keep hostile templates from hanging or exhausting memory: a step
/// budget, a wall-clock deadline, an output cap, a cap on any single
/// string/list built, and a bound on evaluation depth (macro recursion included).
final class Renderer {
    struct Limits {
        var maxOutputBytes = 8 << 20
        var maxSteps = 1_000_000
        var maxDepth = 400
        var maxMacroDepth = 64
        var maxCollection = 1 << 22
        /// Wall-clock bound on a whole render, in seconds.
        var maxSeconds = 2.0
    }

    enum Flow { case normal, breakLoop, continueLoop }

    let limits: Limits
    var scopes: [[String: Value]]
    var output = ""
    var producedBytes = 0
    var steps = 0
    var depth = 0
    var macroDepth = 0
    /// The render's deadline, shared with the inner loops that poll it.
    let meter: WorkMeter

    init(context: [String: Value], limits: Limits = Limits()) {
        self.limits = limits
        self.meter = WorkMeter(seconds: limits.maxSeconds)
        self.scopes = [context, [:]]
    }

    func render(_ nodes: [Node]) throws -> String {
        let flow = try run(nodes)
        guard flow == .normal else { throw TemplateError("break or continue outside a loop") }
        return output
    }

    func tick() throws {
        steps += 1
        if steps > limits.maxSteps { throw TemplateError("template exceeded its step budget") }
        try meter.check()
    }

    func enter() throws {
        depth += 1
        if depth > limits.maxDepth { throw TemplateError("template evaluation nested too deeply") }
    }

    func emit(_ text: String) throws {
        producedBytes += text.utf8.count
        if producedBytes > limits.maxOutputBytes { throw TemplateError("template output exceeds the size limit") }
        output += text
    }

    /// Checks that a string about to be built stays under the collection cap.
    func checkSize(_ count: Int) throws {
        if count > limits.maxCollection { throw TemplateError("value too large") }
    }

    /// Runs `body` with output redirected, returning what it printed.
    func capture(_ body: () throws -> Flow) throws -> (String, Flow) {
        let saved = output
        output = ""
        defer { output = saved }
        let flow = try body()
        return (output, flow)
    }

    func lookup(_ name: String) -> Value {
        for frame in scopes.reversed() {
            if let value = frame[name] { return value }
        }
        if Globals.names.contains(name) { return .callable(.global(name)) }
        return .undefined(name)
    }

    func run(_ nodes: [Node]) throws -> Flow {
        try enter()
        defer { depth -= 1 }
        for node in nodes {
            try tick()
            let flow = try execute(node)
            if flow != .normal { return flow }
        }
        return .normal
    }

    private func execute(_ node: Node) throws -> Flow {
        switch node {
        case .text(let text):
            try emit(text)
        case .output(let expr):
            try emit(try PythonFormat.str(try eval(expr)))
        case .ifChain(let branches, let otherwise):
            for (condition, body) in branches where try eval(condition).isTruthy {
                return try run(body)
            }
            return try run(otherwise)
        case .forLoop(let loop):
            return try runLoop(loop)
        case .set(let target, let expr):
            try assign(target, try eval(expr))
        case .setBlock(let name, let body):
            let (text, flow) = try capture { try run(body) }
            try assign(.name(name), .string(text))
            return flow
        case .macro(let macro):
            scopes[scopes.count - 1][macro.name] = .callable(.macro(macro, scopeDepth: scopes.count))
        case .callBlock(let callExpr, let caller):
            guard case .call(let calleeExpr, let args) = callExpr else { return .normal }
            let callee = try eval(calleeExpr)
            let callerValue = Value.callable(.macro(caller, scopeDepth: scopes.count))
            var (positional, keyword) = try evalArguments(args)
            keyword.append(("caller", callerValue))
            try emit(try PythonFormat.str(try call(callee, positional, keyword)))
        case .filterBlock(let filters, let body):
            let (text, flow) = try capture { try run(body) }
            var value = Value.string(text)
            for (name, args) in filters {
                let (positional, keyword) = try evalArguments(args)
                value = try applyFilter(name, value, positional, keyword)
            }
            try emit(try PythonFormat.str(value))
            return flow
        case .breakLoop:
            return .breakLoop
        case .continueLoop:
            return .continueLoop
        }
        return .normal
    }

    /// Binds a value to a `set`/`for` target in the innermost frame.
    func assign(_ target: Target, _ value: Value) throws {
        switch target {
        case .name(let name):
            scopes[scopes.count - 1][name] = value
        case .attribute(let object, let attribute):
            guard case .namespace(let box) = lookup(object) else {
                throw TemplateError("cannot assign attribute on non-namespace object")
            }
            try checkNesting([value], forbidden: box)
            box.attributes[attribute] = value
        case .tuple(let targets):
            let items = try iterate(value)
            guard items.count == targets.count else {
                throw TemplateError(
                    items.count > targets.count
                        ? "too many values to unpack (expected \(targets.count))"
                        : "not enough values to unpack (expected \(targets.count), got \(items.count))")
            }
            for (target, item) in zip(targets, items) { try assign(target, item) }
        }
    }

    /// The items a `for` loop visits: list items, dict keys, string characters.
    func iterate(_ value: Value) throws -> [Value] {
        switch value {
        case .list(let items), .tuple(let items): return items
        case .dict(let dict): return dict.keys.map(Value.string)
        case .string(let s): return s.unicodeScalars.map { .string(String($0)) }
        case .undefined: return []
        case .namespace(let box): return box.attributes.keys.map(Value.string)
        default: throw TemplateError("'\(value.typeName)' object is not iterable")
        }
    }

    private func runLoop(_ loop: ForLoop) throws -> Flow {
        var items = try iterate(try eval(loop.iterable))
        if let condition = loop.condition {
            var kept: [Value] = []
            for item in items {
                try tick()
                scopes.append([:])
                defer { scopes.removeLast() }
                try assign(loop.target, item)
                if try eval(condition).isTruthy { kept.append(item) }
            }
            items = kept
        }
        if items.isEmpty { return try run(loop.otherwise) }
        let count = items.count
        for (i, item) in items.enumerated() {
            try tick()
            var info = Dict()
            info["index"] = .int(i + 1)
            info["index0"] = .int(i)
            info["revindex"] = .int(count - i)
            info["revindex0"] = .int(count - i - 1)
            info["first"] = .bool(i == 0)
            info["last"] = .bool(i == count - 1)
            info["length"] = .int(count)
            info["depth"] = .int(1)
            info["depth0"] = .int(0)
            if i > 0 { info["previtem"] = items[i - 1] }
            if i + 1 < count { info["nextitem"] = items[i + 1] }
            scopes.append(["loop": .dict(info)])
            defer { scopes.removeLast() }
            try assign(loop.target, item)
            if try run(loop.body) == .breakLoop { break }
        }
        return .normal
    }
}
