/// Filters over sequences and mappings: first/last/join/list/reverse/sort/
/// unique/items/dictsort/select/reject/selectattr/rejectattr/map/batch/sum/min/max.
extension Renderer {
    func applyCollectionFilter(_ name: String, _ value: Value, _ args: CallArguments) throws -> Value {
        switch name {
        case "first":
            return try iterate(value).first ?? .undefined(nil)
        case "last":
            if case .dict(let d) = value { return d.keys.last.map(Value.string) ?? .undefined(nil) }
            return try iterate(value).last ?? .undefined(nil)
        case "list":
            return .list(try iterate(value))
        case "reverse":
            if case .string(let s) = value { return .string(StringOps.string(s.unicodeScalars.reversed())) }
            return .list(try iterate(value).reversed())
        case "join":
            let separator = try args.string(0, "d") ?? ""
            let path = try args.string(1, "attribute")
            // Each item's text is sized as it is made, so the parts held stay under the cap.
            var parts: [String] = []
            var size = 0
            for item in try iterate(value) {
                let part = try PythonFormat.str(try path.map { try attributePath(item, $0) } ?? item)
                try addSize(&size, part.utf8.count)
                if !parts.isEmpty { try addSize(&size, separator.utf8.count) }
                try meter.add()
                parts.append(part)
            }
            return .string(parts.joined(separator: separator))
        case "items":
            switch value {
            case .dict(let d): return .list(d.entries.map { .tuple([.string($0.key), $0.value]) })
            case .undefined: return .list([])
            default: throw TemplateError("Can only get item pairs from a mapping.")
            }
        case "dictsort":
            guard case .dict(let d) = value else { throw TemplateError("dictsort needs a mapping") }
            let caseSensitive = args.bool(0, "case_sensitive", default: false)
            let byValue = (try args.string(1, "by") ?? "key") == "value"
            let reverse = args.bool(2, "reverse", default: false)
            let pairs = d.entries.map { Value.tuple([.string($0.key), $0.value]) }
            return .list(try sorted(pairs, reverse: reverse) { pair in
                guard case .tuple(let kv) = pair else { return pair }
                return try self.sortKey(kv[byValue ? 1 : 0], caseSensitive: caseSensitive)
            })
        case "sort":
            let reverse = args.bool(0, "reverse", default: false)
            let caseSensitive = args.bool(1, "case_sensitive", default: false)
            let path = try args.string(2, "attribute")
            return .list(try sorted(try iterate(value), reverse: reverse) { item in
                try self.sortKey(try path.map { try self.attributePath(item, $0) } ?? item, caseSensitive: caseSensitive)
            })
        case "unique":
            let caseSensitive = args.bool(0, "case_sensitive", default: false)
            let path = try args.string(1, "attribute")
            var seen = UniqueSet()
            var out: [Value] = []
            for item in try iterate(value) {
                try tick()
                let key = try sortKey(try path.map { try attributePath(item, $0) } ?? item, caseSensitive: caseSensitive)
                if try seen.insert(key, meter: meter) { out.append(item) }
            }
            return .list(out)
        case "min", "max":
            let caseSensitive = args.bool(0, "case_sensitive", default: false)
            let path = try args.string(1, "attribute")
            let items = try sorted(try iterate(value), reverse: name == "max") { item in
                try self.sortKey(try path.map { try self.attributePath(item, $0) } ?? item, caseSensitive: caseSensitive)
            }
            return items.first ?? .undefined(nil)
        case "sum":
            let path = try args.string(0, "attribute")
            var total = args.value(1, "start") ?? .int(0)
            if case .string = total { throw TemplateError("sum() can't sum strings [use ''.join(seq) instead]") }
            for item in try iterate(value) {
                try tick()
                total = try Arithmetic.apply("+", total, try path.map { try attributePath(item, $0) } ?? item, renderer: self)
            }
            return total
        case "select", "reject", "selectattr", "rejectattr":
            return try selectOrReject(name, value, args)
        case "map":
            return try map(value, args)
        case "batch":
            let size = try args.int(0, "linecount", default: 1)
            guard size > 0 else { throw TemplateError("batch size must be positive") }
            let fill = args.value(1, "fill_with")
            if let fill, !fill.isUndefined, !isNone(fill) { try checkSize(size) }
            var rows: [Value] = []
            var row: [Value] = []
            for item in try iterate(value) {
                row.append(item)
                if row.count == size {
                    rows.append(.list(row))
                    row = []
                }
            }
            if !row.isEmpty {
                if let fill, !fill.isUndefined, !isNone(fill) {
                    while row.count < size { row.append(fill) }
                }
                rows.append(.list(row))
            }
            try checkNesting(rows)
            return .list(rows)
        default:
            throw TemplateError("No filter named '\(name)'.")
        }
    }

    private func isNone(_ v: Value) -> Bool {
        if case .none = v { return true }
        return false
    }

    /// `attribute="a.b.0"` lookups as jinja2's attribute getters do them.
    func attributePath(_ value: Value, _ path: String) throws -> Value {
        var current = value
        for part in path.split(separator: ".", omittingEmptySubsequences: false) {
            let key: Value = Int(part).map(Value.int) ?? .string(String(part))
            current = try item(current, key)
        }
        return current
    }

    /// The key `sort`/`unique`/`min`/`max` compare by: strings lower-cased
    /// unless case-sensitive (charged to the deadline, since a list can repeat
    /// a multi-megabyte string millions of times).
    func sortKey(_ value: Value, caseSensitive: Bool) throws -> Value {
        if !caseSensitive, case .string(let s) = value {
            try meter.add(1 + s.utf8.count)
            return .string(s.lowercased())
        }
        return value
    }

    /// A stable sort by `key`, erroring on values Python cannot order.
    func sorted(_ items: [Value], reverse: Bool, key: (Value) throws -> Value) throws -> [Value] {
        let keyed = try items.map { (try key($0), $0) }
        var failure: TemplateError?
        let result = keyed.enumerated().sorted { a, b in
            // Once anything failed (the deadline included), finish the sort cheaply.
            if failure != nil { return a.offset < b.offset }
            let (ka, kb) = (a.element.0, b.element.0)
            let less: Bool?
            let greater: Bool?
            do {
                less = try (reverse ? kb : ka).lessThan(reverse ? ka : kb, meter: meter)
                greater = try (reverse ? ka : kb).lessThan(reverse ? kb : ka, meter: meter)
            } catch {
                failure = error as? TemplateError ?? TemplateError("\(error)")
                return a.offset < b.offset
            }
            guard let less, let greater else {
                failure = TemplateError("'<' not supported between instances of '\(ka.typeName)' and '\(kb.typeName)'")
                return a.offset < b.offset
            }
            if less { return true }
            if greater { return false }
            return a.offset < b.offset
        }
        if let failure { throw failure }
        return result.map { $0.element.1 }
    }

    private func selectOrReject(_ name: String, _ value: Value, _ args: CallArguments) throws -> Value {
        let byAttribute = name.hasSuffix("attr")
        let keep = name.hasPrefix("select")
        var rest = args.positional
        var path: String?
        if byAttribute {
            guard !rest.isEmpty, case .string(let p) = rest.removeFirst() else {
                throw TemplateError("\(name) needs an attribute name")
            }
            path = p
        }
        var testName: String?
        if !rest.isEmpty {
            guard case .string(let t) = rest.removeFirst() else { throw TemplateError("test name must be a string") }
            testName = t
        }
        var out: [Value] = []
        for item in try iterate(value) {
            try tick()
            let subject = try path.map { try attributePath(item, $0) } ?? item
            let passed = try testName.map { try applyTest($0, subject, rest, args.keyword) } ?? subject.isTruthy
            if passed == keep { out.append(item) }
        }
        return .list(out)
    }

    private func map(_ value: Value, _ args: CallArguments) throws -> Value {
        let items = try iterate(value)
        if let path = args.keyword.last(where: { $0.0 == "attribute" })?.1 {
            guard case .string(let p) = path else { throw TemplateError("attribute must be a string") }
            let fallback = args.keyword.last { $0.0 == "default" }?.1
            return .list(try items.map { item in
                let v = try attributePath(item, p)
                if v.isUndefined, let fallback { return fallback }
                return v
            })
        }
        guard case .string(let filterName)? = args.positional.first else {
            throw TemplateError("map requires a filter name or attribute=")
        }
        let rest = Array(args.positional.dropFirst())
        return .list(try items.map { item in
            try tick()
            return try applyFilter(filterName, item, rest, args.keyword)
        })
    }
}
