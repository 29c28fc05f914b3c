/// Python equality and ordering between values.
///
/// Comparisons walk both values, so on hostile data (millions of items, or
/// multi-megabyte strings repeated) one `==` can be slow; each takes the
/// render's `WorkMeter` and polls it as it goes.
extension Value {
    /// Python `==`: numbers compare by value across int/float/bool, lists and
    /// dicts compare deeply (dicts ignore key order), `Undefined == Undefined`.
    func equals(_ other: Value, meter: WorkMeter) throws -> Bool {
        try meter.add()
        switch (self, other) {
        case (.undefined, .undefined), (.none, .none): return true
        case (.string(let a), .string(let b)):
            guard a.utf8.count == b.utf8.count else { return false }
            try meter.add(a.utf8.count)
            return a.unicodeScalars.elementsEqual(b.unicodeScalars)
        case (.list(let a), .list(let b)), (.tuple(let a), .tuple(let b)):
            guard a.count == b.count else { return false }
            for (x, y) in zip(a, b) where !(try x.equals(y, meter: meter)) { return false }
            return true
        case (.dict(let a), .dict(let b)):
            guard a.count == b.count else { return false }
            for entry in a.entries {
                guard let other = b[entry.key], try entry.value.equals(other, meter: meter) else { return false }
            }
            return true
        case (.namespace(let a), .namespace(let b)): return a === b
        case (.int(let a), .int(let b)): return a == b
        default:
            if let a = number, let b = other.number { return a == b }
            return false
        }
    }

    /// Python ordering (`<`); `nil` when the types cannot be ordered.
    func lessThan(_ other: Value, meter: WorkMeter) throws -> Bool? {
        try meter.add()
        switch (self, other) {
        case (.string(let a), .string(let b)):
            try meter.add(min(a.utf8.count, b.utf8.count))
            return a.unicodeScalars.lexicographicallyPrecedes(b.unicodeScalars)
        case (.int(let a), .int(let b)): return a < b
        case (.list(let a), .list(let b)), (.tuple(let a), .tuple(let b)):
            for (x, y) in zip(a, b) where !(try x.equals(y, meter: meter)) { return try x.lessThan(y, meter: meter) }
            return a.count < b.count
        default:
            if let a = number, let b = other.number { return a < b }
            return nil
        }
    }

    /// Python `item in container`.
    func contains(_ item: Value, meter: WorkMeter) throws -> Bool {
        switch self {
        case .string(let s):
            guard case .string(let needle) = item else {
                throw TemplateError("'in <string>' requires string as left operand, not \(item.typeName)")
            }
            return try StringOps.find(StringOps.scalars(s), StringOps.scalars(needle), meter: meter) != nil
        case .list(let items), .tuple(let items):
            for candidate in items where try candidate.equals(item, meter: meter) { return true }
            return false
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
