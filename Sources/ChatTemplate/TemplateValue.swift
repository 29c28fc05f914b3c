/// A value handed to a template or produced from JSON: the data model of
/// Hugging Face chat templates (Python's `None`, `bool`, `int`, `float`, `str`,
/// `list` and insertion-ordered `dict`, plus jinja2's `Undefined`).
///
/// Objects keep their keys in insertion order because `tojson` must echo the
/// client's key order byte for byte, as Python's `dict` does.
public enum TemplateValue: Sendable, Equatable {
    case undefined
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case array([TemplateValue])
    case object(TemplateObject)

    /// Builds an object from key/value pairs, keeping their order (a later
    /// duplicate key replaces the earlier value in place, as a Python dict does).
    public static func object(_ pairs: [(String, TemplateValue)]) -> TemplateValue {
        .object(TemplateObject(pairs))
    }

    /// The value for `key` when this is an object, else nil.
    public subscript(key: String) -> TemplateValue? {
        if case .object(let object) = self { return object[key] }
        return nil
    }

    /// The string payload, if this is a string.
    public var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }
}

extension TemplateValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByBooleanLiteral, ExpressibleByFloatLiteral, ExpressibleByNilLiteral,
    ExpressibleByArrayLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) { self = .int(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(floatLiteral value: Double) { self = .double(value) }
    public init(nilLiteral: ()) { self = .null }
    public init(arrayLiteral elements: TemplateValue...) { self = .array(elements) }
}

/// An insertion-ordered string-keyed dictionary (Python `dict` semantics for
/// the JSON-shaped data templates see). Equality ignores order, as in Python.
public struct TemplateObject: Sendable, Equatable {
    public private(set) var keys: [String] = []
    private var storage: [String: TemplateValue] = [:]

    public init() {}

    public init(_ pairs: [(String, TemplateValue)]) {
        for (key, value) in pairs { self[key] = value }
    }

    public var count: Int { keys.count }

    /// Entries in insertion order.
    public var entries: [(key: String, value: TemplateValue)] {
        keys.compactMap { key in storage[key].map { (key, $0) } }
    }

    public subscript(key: String) -> TemplateValue? {
        get { storage[key] }
        set {
            if let newValue {
                if storage.updateValue(newValue, forKey: key) == nil { keys.append(key) }
            } else if storage.removeValue(forKey: key) != nil {
                keys.removeAll { $0 == key }
            }
        }
    }

    public static func == (lhs: TemplateObject, rhs: TemplateObject) -> Bool {
        lhs.storage == rhs.storage
    }
}
