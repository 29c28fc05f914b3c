/// String builders whose result size depends on the template's data
/// (`join`, `replace`, `indent`): each works out or bounds the result size
/// before or while building it, so a hostile template gets "value too large"
/// instead of an attempt to allocate terabytes.
extension Renderer {
    /// `separator.join(parts)`, refused when the result would pass the collection cap.
    func join(_ parts: [String], separator: String) throws -> String {
        var total = 0
        for (i, part) in parts.enumerated() {
            try addSize(&total, part.utf8.count)
            if i > 0 { try addSize(&total, separator.utf8.count) }
            try meter.add()
        }
        return parts.joined(separator: separator)
    }

    /// `s.replace(old, new, count)` under the collection cap and the deadline.
    func replace(_ s: String, _ old: String, _ new: String, count: Int) throws -> String {
        let result = try StringOps.replace(s, old, new, count: count, maxScalars: limits.maxCollection, meter: meter)
        try checkSize(result.utf8.count)
        return result
    }

    /// Adds `amount` to a running result size, throwing on overflow or past the cap.
    func addSize(_ total: inout Int, _ amount: Int) throws {
        let (sum, overflow) = total.addingReportingOverflow(amount)
        if overflow || sum > limits.maxCollection { throw TemplateError("value too large") }
        total = sum
    }

    /// `count * size` added to a running result size, overflow-checked.
    func addSize(_ total: inout Int, _ count: Int, times size: Int) throws {
        let (product, overflow) = count.multipliedReportingOverflow(by: size)
        if overflow { throw TemplateError("value too large") }
        try addSize(&total, product)
    }
}

/// The keys `unique` has seen. Strings, numbers, None and Undefined go in a
/// hash set under a key that equals exactly when Python's `==` does (strings
/// by their scalars, never by Swift's canonical equivalence; `1`, `1.0` and
/// `True` alike), so `unique` over millions of items stays linear. Other
/// values (lists, dicts, NaN) fall back to a scan with `equals`.
struct UniqueSet {
    private enum Key: Hashable {
        case undefined, none
        case int(Int)
        case double(Double)
        case string([UInt8])
    }

    private var hashed: Set<Key> = []
    private var others: [Value] = []

    /// Adds `value`; returns whether it was not seen before.
    mutating func insert(_ value: Value, meter: WorkMeter) throws -> Bool {
        if let key = Self.key(value) {
            try meter.add()
            return hashed.insert(key).inserted
        }
        for seen in others where try seen.equals(value, meter: meter) { return false }
        others.append(value)
        return true
    }

    private static func key(_ value: Value) -> Key? {
        switch value {
        case .undefined: return .undefined
        case .none: return Key.none
        case .bool(let b): return .int(b ? 1 : 0)
        case .int(let i): return .int(i)
        case .double(let d):
            if d.isNaN { return nil }
            if d == d.rounded(), d >= -9.223372036854775808e18, d < 9.223372036854775808e18 { return .int(Int(d)) }
            return .double(d)
        case .string(let s): return .string(Array(s.utf8))
        default: return nil
        }
    }
}
