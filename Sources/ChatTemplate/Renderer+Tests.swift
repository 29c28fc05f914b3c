/// jinja2's built-in tests (`x is defined`, `x is divisibleby 3`, ...).
extension Renderer {
    func applyTest(_ name: String, _ value: Value, _ positional: [Value], _ keyword: [(String, Value)]) throws -> Bool {
        let args = CallArguments(positional, keyword)
        func other() throws -> Value {
            guard let v = args.value(0, "other") else { throw TemplateError("test '\(name)' needs an argument") }
            return v
        }
        switch name {
        case "defined": return !value.isUndefined
        case "undefined": return value.isUndefined
        case "none": if case .none = value { return true } else { return false }
        case "boolean": if case .bool = value { return true } else { return false }
        case "true": if case .bool(true) = value { return true } else { return false }
        case "false": if case .bool(false) = value { return true } else { return false }
        case "string": if case .string = value { return true } else { return false }
        case "number":
            switch value {
            case .int, .double, .bool: return true
            default: return false
            }
        case "integer": if case .int = value { return true } else { return false }
        case "float": if case .double = value { return true } else { return false }
        case "mapping": if case .dict = value { return true } else { return false }
        case "iterable":
            switch value {
            case .list, .tuple, .dict, .string, .undefined, .namespace: return true
            default: return false
            }
        case "sequence":
            switch value {
            case .list, .tuple, .dict, .string, .undefined: return true
            default: return false
            }
        case "callable": if case .callable = value { return true } else { return false }
        case "equalto", "eq", "==": return try value.equals(try other(), meter: meter)
        case "ne", "!=": return !(try value.equals(try other(), meter: meter))
        case "lt", "lessthan", "<": return try compare("<", value, try other())
        case "gt", "greaterthan", ">": return try compare(">", value, try other())
        case "le", "<=": return try compare("<=", value, try other())
        case "ge", ">=": return try compare(">=", value, try other())
        case "in": return try other().contains(value, meter: meter)
        case "sameas":
            let o = try other()
            switch (value, o) {
            case (.none, .none), (.undefined, .undefined): return true
            case (.bool(let a), .bool(let b)): return a == b
            case (.namespace(let a), .namespace(let b)): return a === b
            default: return false
            }
        case "divisibleby":
            guard let d = args.value(0, "num") else { throw TemplateError("divisibleby needs an argument") }
            let result = try Arithmetic.apply("%", value, d, renderer: self)
            return result.number == 0
        case "odd", "even":
            guard let i = value.integer else {
                throw TemplateError("unsupported operand type(s) for %: '\(value.typeName)' and 'int'")
            }
            return (i % 2 != 0) == (name == "odd")
        case "lower":
            guard case .string(let s) = value else { return false }
            return s.contains { $0.isLowercase } && !s.contains { $0.isUppercase }
        case "upper":
            guard case .string(let s) = value else { return false }
            return s.contains { $0.isUppercase } && !s.contains { $0.isLowercase }
        case "filter": return Filters.names.contains(value.stringForTest ?? "")
        case "test": return Self.testNames.contains(value.stringForTest ?? "")
        case "escaped": return false
        default:
            throw TemplateError("No test named '\(name)'.")
        }
    }

    static let testNames: Set<String> = [
        "defined", "undefined", "none", "boolean", "true", "false", "string", "number", "integer", "float",
        "mapping", "iterable", "sequence", "callable", "equalto", "eq", "==", "ne", "!=", "lt", "lessthan",
        "<", "gt", "greaterthan", ">", "le", "<=", "ge", ">=", "in", "sameas", "divisibleby", "odd", "even",
        "lower", "upper", "filter", "test", "escaped",
    ]
}

extension Value {
    var stringForTest: String? {
        if case .string(let s) = self { return s }
        return nil
    }
}
