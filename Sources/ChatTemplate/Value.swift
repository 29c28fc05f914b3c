/// The evaluator's runtime value: the JSON-shaped data of `TemplateValue`
/// plus what only exists while rendering (namespaces, macros, bound methods).
/// Tuples are kept apart from lists because Python prints them differently.
enum Value {
    case undefined(String?)
    case none
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case list([Value])
    case tuple([Value])
    case dict(Dict)
    case namespace(NamespaceBox)
    case callable(Callable)

    static var empty: Value { .string("") }

    init(_ value: TemplateValue) {
        switch value {
        case .undefined: self = .undefined(nil)
        case .null: self = .none
        case .bool(let b): self = .bool(b)
        case .int(let i): self = .int(i)
        case .double(let d): self = .double(d)
        case .string(let s): self = .string(s)
        case .array(let items): self = .list(items.map(Value.init))
        case .object(let object):
            var dict = Dict()
            for (key, item) in object.entries { dict[key] = Value(item) }
            self = .dict(dict)
        }
    }

    /// Python truthiness (`Undefined` is falsy).
    var isTruthy: Bool {
        switch self {
        case .undefined, .none: return false
        case .bool(let b): return b
        case .int(let i): return i != 0
        case .double(let d): return d != 0
        case .string(let s): return !s.isEmpty
        case .list(let items), .tuple(let items): return !items.isEmpty
        case .dict(let dict): return dict.count > 0
        case .namespace, .callable: return true
        }
    }

    var isUndefined: Bool {
        if case .undefined = self { return true }
        return false
    }

    /// The Python type name, for error messages.
    var typeName: String {
        switch self {
        case .undefined: return "Undefined"
        case .none: return "NoneType"
        case .bool: return "bool"
        case .int: return "int"
        case .double: return "float"
        case .string: return "str"
        case .list: return "list"
        case .tuple: return "tuple"
        case .dict: return "dict"
        case .namespace: return "Namespace"
        case .callable: return "function"
        }
    }

    /// The value as a double when it is a Python number (bool counts, as in Python).
    var number: Double? {
        switch self {
        case .bool(let b): return b ? 1 : 0
        case .int(let i): return Double(i)
        case .double(let d): return d
        default: return nil
        }
    }

    /// The items of a list or tuple.
    var sequenceItems: [Value]? {
        switch self {
        case .list(let items), .tuple(let items): return items
        default: return nil
        }
    }

    /// The value as an integer when it is an `int` or `bool`.
    var integer: Int? {
        switch self {
        case .bool(let b): return b ? 1 : 0
        case .int(let i): return i
        default: return nil
        }
    }
}

/// Insertion-ordered dictionary with string keys (Python `dict` as templates use it).
struct Dict {
    private(set) var keys: [String] = []
    private var storage: [String: Value] = [:]

    var count: Int { keys.count }

    subscript(key: String) -> Value? {
        get { storage[key] }
        set {
            if let newValue {
                if storage.updateValue(newValue, forKey: key) == nil { keys.append(key) }
            } else if storage.removeValue(forKey: key) != nil {
                keys.removeAll { $0 == key }
            }
        }
    }

    /// Entries in insertion order.
    var entries: [(key: String, value: Value)] {
        keys.compactMap { key in storage[key].map { (key, $0) } }
    }
}

/// The mutable object behind `namespace()`: shared by reference so that
/// `{% set ns.x = ... %}` inside a loop is seen after it.
final class NamespaceBox {
    var attributes = Dict()
}

/// Something a template can call.
indirect enum Callable {
    /// A global function such as `range` or `raise_exception`.
    case global(String)
    /// A `{% macro %}` defined by the template, with the number of scope
    /// frames visible where it was defined (its lexical scope).
    case macro(MacroDefinition, scopeDepth: Int)
    /// A Python method bound to its receiver, e.g. `message.content.strip`.
    case method(Value, String)
}
