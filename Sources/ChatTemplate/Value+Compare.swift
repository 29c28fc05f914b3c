/// Python equality and ordering between values.
extension Value {
    /// Python `==`: numbers compare by value across int/float/bool, lists and
    /// dicts compare deeply (dicts ignore key order), `Undefined == Undefined`.
    func equals(_ other: Value) -> Bool {
        switch (self, other) {
        case (.undefined, .undefined), (.none, .none): return true
        case (.string(let a), .string(let b)): return a.unicodeScalars.elementsEqual(b.unicodeScalars)
        case (.list(let a), .list(let b)), (.tuple(let a), .tuple(let b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.equals($1) }
        case (.dict(let a), .dict(let b)):
            guard a.count == b.count else { return false }
            return a.entries.allSatisfy { entry in b[entry.key].map { entry.value.equals($0) } ?? false }
        case (.namespace(let a), .namespace(let b)): return a === b
        case (.int(let a), .int(let b)): return a == b
        default:
            if let a = number, let b = other.number { return a == b }
            return false
        }
    }

    /// Python ordering (`<`); `nil` when the types cannot be ordered.
    func lessThan(_ other: Value) -> Bool? {
        switch (self, other) {
        case (.string(let a), .string(let b)):
            return a.unicodeScalars.lexicographicallyPrecedes(b.unicodeScalars)
        case (.int(let a), .int(let b)): return a < b
        case (.list(let a), .list(let b)), (.tuple(let a), .tuple(let b)):
            for (x, y) in zip(a, b) where !x.equals(y) { return x.lessThan(y) }
            return a.count < b.count
        default:
            if let a = number, let b = other.number { return a < b }
            return nil
        }
    }

    /// Python `item in container`.
    func contains(_ item: Value) throws -> Bool {
        switch self {
        case .string(let s):
            guard case .string(let needle) = item else {
                throw TemplateError("'in <string>' requires string as left operand, not \(item.typeName)")
            }
            return needle.isEmpty || s.contains(needle)
        case .list(let items), .tuple(let items): return items.contains { $0.equals(item) }
        case .dict(let dict):
            if case .string(let key) = item { return dict[key] != nil }
            return false
        case .namespace(let box):
            if case .string(let key) = item { return box.attributes[key] != nil }
            return false
        case .undefined: return false
        default:
            throw TemplateError("argument of type '\(typeName)' is not iterable")
        }
    }
}
