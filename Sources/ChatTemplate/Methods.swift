/// Python methods on `str`, `dict` and `list` that templates call, e.g.
/// `content.strip()`, `message.get('x')`, `d.items()`. Mutating methods
/// exist only to be refused, as transformers' immutable sandbox does.
enum Methods {
    static let stringMethods: Set<String> = [
        "strip", "lstrip", "rstrip", "split", "rsplit", "splitlines", "startswith", "endswith",
        "lower", "upper", "title", "capitalize", "replace", "find", "rfind", "index", "count", "join",
        "isdigit", "isalpha", "isalnum", "isspace", "islower", "isupper", "format",
    ]
    static let dictMethods: Set<String> = [
        "items", "keys", "values", "get", "copy",
        "update", "pop", "popitem", "setdefault", "clear",
    ]
    static let listMethods: Set<String> = [
        "index", "count", "copy",
        "append", "extend", "insert", "pop", "remove", "reverse", "sort", "clear",
    ]
    static let unsafe: Set<String> = [
        "update", "pop", "popitem", "setdefault", "clear",
        "append", "extend", "insert", "remove", "reverse", "sort",
    ]

    static func call(
        _ receiver: Value, _ name: String, _ positional: [Value], _ keyword: [(String, Value)],
        renderer: Renderer
    ) throws -> Value {
        let args = CallArguments(positional, keyword)
        switch receiver {
        case .string(let s): return try stringMethod(s, name, args, renderer: renderer)
        case .dict(let d):
            if unsafe.contains(name) { throw refused(name, "dict") }
            return try dictMethod(d, name, args)
        case .list(let items), .tuple(let items):
            if unsafe.contains(name) { throw refused(name, "list") }
            return try listMethod(items, name, args, meter: renderer.meter)
        default:
            throw TemplateError("'\(receiver.typeName)' object has no attribute '\(name)'")
        }
    }

    private static func refused(_ name: String, _ type: String) -> TemplateError {
        TemplateError("access to attribute '\(name)' of '\(type)' object is unsafe.")
    }

    private static func stringMethod(
        _ s: String, _ name: String, _ args: CallArguments, renderer: Renderer
    ) throws -> Value {
        switch name {
        case "strip", "lstrip", "rstrip":
            let chars = try args.string(0, "chars")
            return .string(StringOps.strip(s, chars, leading: name != "rstrip", trailing: name != "lstrip"))
        case "split", "rsplit":
            let sep = try args.string(0, "sep")
            let maxSplit = try args.int(1, "maxsplit", default: -1)
            let parts = name == "split"
                ? try StringOps.split(s, sep, maxSplit: maxSplit, meter: renderer.meter)
                : try StringOps.rsplit(s, sep, maxSplit: maxSplit, meter: renderer.meter)
            return .list(parts.map(Value.string))
        case "splitlines":
            return .list(StringOps.splitLines(s).map(Value.string))
        case "startswith", "endswith":
            guard let arg = args.value(0, name == "startswith" ? "prefix" : "suffix") else {
                throw TemplateError("\(name)() takes at least 1 argument")
            }
            let candidates: [Value]
            candidates = arg.sequenceItems ?? [arg]
            for candidate in candidates {
                guard case .string(let affix) = candidate else {
                    throw TemplateError("\(name) first arg must be str or a tuple of str")
                }
                try renderer.meter.add(1 + min(affix.utf8.count, s.utf8.count))
                if name == "startswith" ? StringOps.startsWith(s, affix) : StringOps.endsWith(s, affix) {
                    return .bool(true)
                }
            }
            return .bool(false)
        case "lower": return .string(StringOps.lower(s))
        case "upper": return .string(StringOps.upper(s))
        case "title": return .string(StringOps.title(s))
        case "capitalize": return .string(StringOps.capitalize(s))
        case "replace":
            guard let old = try args.string(0, "old"), let new = try args.string(1, "new") else {
                throw TemplateError("replace() takes at least 2 arguments")
            }
            return .string(try renderer.replace(s, old, new, count: try args.int(2, "count", default: -1)))
        case "find", "rfind", "index":
            guard let sub = try args.string(0, "sub") else { throw TemplateError("\(name)() takes at least 1 argument") }
            let hay = StringOps.scalars(s)
            let needle = StringOps.scalars(sub)
            let found = name == "rfind"
                ? try StringOps.rfind(hay, needle, meter: renderer.meter)
                : try StringOps.find(hay, needle, meter: renderer.meter)
            if found == nil, name == "index" { throw TemplateError("substring not found") }
            return .int(found ?? -1)
        case "count":
            guard let sub = try args.string(0, "sub") else { throw TemplateError("count() takes at least 1 argument") }
            return .int(try StringOps.count(s, sub, meter: renderer.meter))
        case "join":
            guard let iterable = args.value(0, "iterable") else { throw TemplateError("join() takes exactly one argument") }
            let parts = try renderer.iterate(iterable).map { item -> String in
                guard case .string(let text) = item else {
                    throw TemplateError("sequence item: expected str instance, \(item.typeName) found")
                }
                return text
            }
            return .string(try renderer.join(parts, separator: s))
        case "isdigit": return .bool(!s.isEmpty && s.unicodeScalars.allSatisfy { $0.properties.numericType == .decimal || $0.properties.numericType == .digit })
        case "isalpha": return .bool(!s.isEmpty && s.unicodeScalars.allSatisfy { $0.properties.isAlphabetic })
        case "isalnum": return .bool(!s.isEmpty && s.unicodeScalars.allSatisfy { $0.properties.isAlphabetic || $0.properties.numericType != nil })
        case "isspace": return .bool(!s.isEmpty && s.unicodeScalars.allSatisfy(Lexer.isSpace))
        case "islower": return .bool(s.contains { $0.isLowercase } && !s.contains { $0.isUppercase })
        case "isupper": return .bool(s.contains { $0.isUppercase } && !s.contains { $0.isLowercase })
        default:
            throw TemplateError("str.\(name)() is not supported")
        }
    }

    private static func dictMethod(_ d: Dict, _ name: String, _ args: CallArguments) throws -> Value {
        switch name {
        case "items": return .list(d.entries.map { .tuple([.string($0.key), $0.value]) })
        case "keys": return .list(d.keys.map(Value.string))
        case "values": return .list(d.entries.map(\.value))
        case "get":
            guard let key = args.value(0, "key") else { throw TemplateError("get expected at least 1 argument") }
            let fallback = args.value(1, "default") ?? .none
            if case .string(let k) = key, let value = d[k] { return value }
            return fallback
        case "copy": return .dict(d)
        default: throw TemplateError("dict.\(name)() is not supported")
        }
    }

    private static func listMethod(
        _ items: [Value], _ name: String, _ args: CallArguments, meter: WorkMeter
    ) throws -> Value {
        switch name {
        case "index":
            guard let needle = args.value(0, "value") else { throw TemplateError("index expected 1 argument") }
            guard let i = try items.firstIndex(where: { try $0.equals(needle, meter: meter) }) else {
                throw TemplateError("\(try PythonFormat.repr(needle)) is not in list")
            }
            return .int(i)
        case "count":
            guard let needle = args.value(0, "value") else { throw TemplateError("count expected 1 argument") }
            return .int(try items.filter { try $0.equals(needle, meter: meter) }.count)
        case "copy": return .list(items)
        default: throw TemplateError("list.\(name)() is not supported")
        }
    }
}
