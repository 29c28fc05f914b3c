/// Expression evaluation with Python/jinja2 semantics.
extension Renderer {
    func eval(_ expr: Expr) throws -> Value {
        try enter()
        defer { depth -= 1 }
        switch expr {
        case .literal(let literal):
            switch literal {
            case .none: return .none
            case .bool(let b): return .bool(b)
            case .int(let i): return .int(i)
            case .double(let d): return .double(d)
            case .string(let s): return .string(s)
            }
        case .name(let name):
            return lookup(name)
        case .list(let items):
            let values = try items.map(eval)
            try checkNesting(values)
            return .list(values)
        case .tuple(let items):
            let values = try items.map(eval)
            try checkNesting(values)
            return .tuple(values)
        case .dict(let pairs):
            var dict = Dict()
            for (keyExpr, valueExpr) in pairs {
                let key = try eval(keyExpr)
                guard case .string(let k) = key else {
                    throw TemplateError("only string keys are supported in dict literals")
                }
                let value = try eval(valueExpr)
                try checkNesting([value])
                dict[k] = value
            }
            return .dict(dict)
        case .attribute(let base, let name):
            return try attribute(try eval(base), name)
        case .index(let base, let index):
            return try item(try eval(base), try eval(index))
        case .slice(let base, let start, let stop, let step):
            return try slice(
                try eval(base), start: try start.map(eval), stop: try stop.map(eval), step: try step.map(eval))
        case .call(let calleeExpr, let args):
            let callee = try eval(calleeExpr)
            let (positional, keyword) = try evalArguments(args)
            return try call(callee, positional, keyword)
        case .filter(let base, let name, let args):
            let value = try eval(base)
            let (positional, keyword) = try evalArguments(args)
            return try applyFilter(name, value, positional, keyword)
        case .test(let base, let name, let args, let negated):
            let value = try eval(base)
            let (positional, keyword) = try evalArguments(args)
            let result = try applyTest(name, value, positional, keyword)
            return .bool(result != negated)
        case .unary(let op, let operandExpr):
            let operand = try eval(operandExpr)
            switch (op, operand) {
            case ("-", .int(let i)):
                let (r, overflow) = Int(0).subtractingReportingOverflow(i)
                if overflow { throw TemplateError("integer overflow") }
                return .int(r)
            case ("-", .bool(let b)): return .int(b ? -1 : 0)
            case ("-", .double(let d)): return .double(-d)
            case ("+", .int), ("+", .double): return operand
            case ("+", .bool(let b)): return .int(b ? 1 : 0)
            default: throw TemplateError("bad operand type for unary \(op): '\(operand.typeName)'")
            }
        case .binary(let op, let lhs, let rhs):
            return try Arithmetic.apply(op, try eval(lhs), try eval(rhs), renderer: self)
        case .compare(let first, let rest):
            var left = try eval(first)
            for (op, rightExpr) in rest {
                let right = try eval(rightExpr)
                if !(try compare(op, left, right)) { return .bool(false) }
                left = right
            }
            return .bool(true)
        case .and(let lhs, let rhs):
            let left = try eval(lhs)
            return left.isTruthy ? try eval(rhs) : left
        case .or(let lhs, let rhs):
            let left = try eval(lhs)
            return left.isTruthy ? left : try eval(rhs)
        case .not(let operand):
            return .bool(!(try eval(operand).isTruthy))
        case .conditional(let then, let condition, let otherwise):
            if try eval(condition).isTruthy { return try eval(then) }
            if let otherwise { return try eval(otherwise) }
            return .undefined(nil)
        }
    }

    func evalArguments(_ args: Arguments) throws -> ([Value], [(String, Value)]) {
        let positional = try args.positional.map(eval)
        let keyword = try args.keyword.map { ($0.0, try eval($0.1)) }
        return (positional, keyword)
    }

    func compare(_ op: String, _ left: Value, _ right: Value) throws -> Bool {
        switch op {
        case "==": return try left.equals(right, meter: meter)
        case "!=": return !(try left.equals(right, meter: meter))
        case "in": return try right.contains(left, meter: meter)
        case "notin": return !(try right.contains(left, meter: meter))
        default:
            let ordered: Bool?
            switch op {
            case "<": ordered = try left.lessThan(right, meter: meter)
            case ">": ordered = try right.lessThan(left, meter: meter)
            case "<=": ordered = try right.lessThan(left, meter: meter).map { !$0 }
            default: ordered = try left.lessThan(right, meter: meter).map { !$0 }
            }
            guard let ordered else {
                throw TemplateError(
                    "'\(op)' not supported between instances of '\(left.typeName)' and '\(right.typeName)'")
            }
            return ordered
        }
    }

    /// `obj.name`: Python attribute first (methods), then the item, else Undefined.
    func attribute(_ object: Value, _ name: String) throws -> Value {
        switch object {
        case .undefined(let origin):
            throw TemplateError("'\(origin ?? "value")' is undefined")
        case .dict(let dict):
            if Methods.dictMethods.contains(name) { return .callable(.method(object, name)) }
            return dict[name] ?? .undefined(name)
        case .string:
            if Methods.stringMethods.contains(name) { return .callable(.method(object, name)) }
        case .list, .tuple:
            if Methods.listMethods.contains(name) { return .callable(.method(object, name)) }
        case .namespace(let box):
            return box.attributes[name] ?? .undefined(name)
        default:
            break
        }
        return .undefined(name)
    }

    /// `obj[key]`: the item first, then (for string keys) the attribute, else Undefined.
    func item(_ object: Value, _ key: Value) throws -> Value {
        switch (object, key) {
        case (.undefined(let origin), _):
            throw TemplateError("'\(origin ?? "value")' is undefined")
        case (.dict(let dict), .string(let k)):
            if let value = dict[k] { return value }
        case (.list(let items), _), (.tuple(let items), _):
            if let i = key.integer, let index = Self.pythonIndex(i, count: items.count) { return items[index] }
        case (.string(let s), _):
            if let i = key.integer {
                let scalars = Array(s.unicodeScalars)
                if let index = Self.pythonIndex(i, count: scalars.count) { return .string(String(scalars[index])) }
            }
        default:
            break
        }
        if case .string(let name) = key { return try attribute(object, name) }
        return .undefined(nil)
    }

    static func pythonIndex(_ i: Int, count: Int) -> Int? {
        let index = i < 0 ? count + i : i
        return index >= 0 && index < count ? index : nil
    }

    func slice(_ object: Value, start: Value?, stop: Value?, step: Value?) throws -> Value {
        func bound(_ v: Value?) throws -> Int? {
            switch v {
            case nil, .undefined?, .none?: return nil
            case let v?:
                guard let i = v.integer else { throw TemplateError("slice indices must be integers or None") }
                return i
            }
        }
        let indices = try Self.sliceIndices(
            count: try collectionCount(object), start: bound(start), stop: bound(stop), step: bound(step))
        switch object {
        case .list(let items): return .list(indices.map { items[$0] })
        case .tuple(let items): return .tuple(indices.map { items[$0] })
        case .string(let s):
            let scalars = Array(s.unicodeScalars)
            var out = String.UnicodeScalarView()
            for i in indices { out.append(scalars[i]) }
            return .string(String(out))
        case .undefined(let origin): throw TemplateError("'\(origin ?? "value")' is undefined")
        default: throw TemplateError("'\(object.typeName)' object is not subscriptable")
        }
    }

    private func collectionCount(_ object: Value) throws -> Int {
        switch object {
        case .list(let items), .tuple(let items): return items.count
        case .string(let s): return s.unicodeScalars.count
        case .undefined(let origin): throw TemplateError("'\(origin ?? "value")' is undefined")
        default: throw TemplateError("'\(object.typeName)' object is not subscriptable")
        }
    }

    /// Python's `slice(start, stop, step).indices(count)`, expanded.
    static func sliceIndices(count: Int, start: Int?, stop: Int?, step: Int?) throws -> [Int] {
        let step = step ?? 1
        guard step != 0 else { throw TemplateError("slice step cannot be zero") }
        func clamp(_ value: Int?, _ defaultValue: Int, low: Int, high: Int) -> Int {
            guard var v = value else { return defaultValue }
            if v < 0 { v = v < -count ? low : count + v }
            return min(max(v, low), high)
        }
        var result: [Int] = []
        if step > 0 {
            var i = clamp(start, 0, low: 0, high: count)
            let end = clamp(stop, count, low: 0, high: count)
            while i < end {
                result.append(i)
                let (next, overflow) = i.addingReportingOverflow(step)
                if overflow { break }
                i = next
            }
        } else {
            var i = clamp(start, count - 1, low: -1, high: count - 1)
            let end = clamp(stop, -1, low: -1, high: count - 1)
            if stop == nil {
                while i > -1 {
                    result.append(i)
                    let (next, overflow) = i.addingReportingOverflow(step)
                    if overflow { break }
                    i = next
                }
            } else {
                while i > end {
                    result.append(i)
                    let (next, overflow) = i.addingReportingOverflow(step)
                    if overflow { break }
                    i = next
                }
            }
        }
        return result
    }
}
