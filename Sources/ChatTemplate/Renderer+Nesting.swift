/// Bounds on how deeply values nest.
///
/// Printing, comparing, serializing and even freeing a value recurse once per
/// level, so a template that wraps a value in itself in a loop
/// (`{% set ns.x = [ns.x] %}`) could otherwise exhaust the stack. Every
/// constructor that adds a level (list/tuple/dict literals, `namespace()`,
/// `dict()`, `batch`, namespace attributes) checks what it wraps, so no value
/// ever nests deeper than `maxNesting` (plus what one expression can add), and
/// no namespace can contain itself. A bound method (`[x].copy`) holds its
/// receiver, so it counts as a level and is walked like a container.
extension Renderer {
    static let maxNesting = 512

    /// Throws when any of `values` nests deeper than the limit, or (when given)
    /// reaches the namespace `forbidden`.
    func checkNesting(_ values: [Value], forbidden: NamespaceBox? = nil) throws {
        for value in values { try measure(value, level: 1, forbidden: forbidden) }
    }

    private func measure(_ value: Value, level: Int, forbidden: NamespaceBox?) throws {
        try meter.add()
        switch value {
        case .list(let items), .tuple(let items):
            try enterLevel(level)
            for item in items { try measure(item, level: level + 1, forbidden: forbidden) }
        case .dict(let dict):
            try enterLevel(level)
            for key in dict.keys {
                if let item = dict[key] { try measure(item, level: level + 1, forbidden: forbidden) }
            }
        case .namespace(let box):
            if box === forbidden { throw TemplateError("a namespace cannot contain itself") }
            try enterLevel(level)
            for key in box.attributes.keys {
                if let item = box.attributes[key] { try measure(item, level: level + 1, forbidden: forbidden) }
            }
        case .callable(.method(let receiver, _)):
            try enterLevel(level)
            try measure(receiver, level: level + 1, forbidden: forbidden)
        default:
            return
        }
    }

    private func enterLevel(_ level: Int) throws {
        try tick()
        if level > Self.maxNesting { throw TemplateError("value nested too deeply") }
    }
}

extension TemplateValue {
    /// Whether the value nests no deeper than `limit` levels (checked before
    /// converting caller data, so conversion cannot recurse without bound).
    func nests(within limit: Int) -> Bool {
        guard limit >= 0 else { return false }
        switch self {
        case .array(let items): return items.allSatisfy { $0.nests(within: limit - 1) }
        case .object(let object): return object.entries.allSatisfy { $0.value.nests(within: limit - 1) }
        default: return true
        }
    }
}
