/// An `--include` pattern with the semantics of Python's `fnmatch` as `huggingface_hub` uses it: `*` matches any run
/// of characters including `/`, `?` one character, `[seq]` / `[!seq]` a set (an unclosed `[` is literal), matching
/// is case-sensitive on the whole path, and a pattern ending in `/` matches everything under that folder.
public struct HubGlob: Sendable, Equatable {
    enum Token: Sendable, Equatable {
        case literal(Unicode.Scalar)
        case anyOne
        case anyRun
        case set(negated: Bool, ranges: [ClosedRange<Unicode.Scalar>])
    }

    public let pattern: String
    let tokens: [Token]

    public init(_ pattern: String) {
        self.pattern = pattern
        self.tokens = HubGlob.compile(pattern.hasSuffix("/") ? pattern + "*" : pattern)
    }

    /// Whether `path` (a repository path such as `onnx/model.onnx`) matches the whole pattern.
    public func matches(_ path: String) -> Bool {
        let text = Array(path.unicodeScalars)
        var t = 0, p = 0
        var starToken: Int?
        var starText = 0
        while t < text.count {
            if p < tokens.count, tokens[p] != .anyRun, HubGlob.matchesOne(tokens[p], text[t]) {
                t += 1
                p += 1
            } else if p < tokens.count, tokens[p] == .anyRun {
                starToken = p
                starText = t
                p += 1
            } else if let star = starToken {
                starText += 1
                t = starText
                p = star + 1
            } else {
                return false
            }
        }
        while p < tokens.count, tokens[p] == .anyRun { p += 1 }
        return p == tokens.count
    }

    /// The paths that match at least one pattern, in their original order; every path when `patterns` is empty.
    public static func select(_ paths: [String], include patterns: [String]) -> [String] {
        guard !patterns.isEmpty else { return paths }
        let globs = patterns.map(HubGlob.init)
        return paths.filter { path in globs.contains { $0.matches(path) } }
    }

    private static func matchesOne(_ token: Token, _ scalar: Unicode.Scalar) -> Bool {
        switch token {
        case .literal(let literal): return literal == scalar
        case .anyOne: return true
        case .anyRun: return false
        case .set(let negated, let ranges): return ranges.contains { $0.contains(scalar) } != negated
        }
    }

    private static func compile(_ pattern: String) -> [Token] {
        let scalars = Array(pattern.unicodeScalars)
        var tokens: [Token] = []
        var i = 0
        while i < scalars.count {
            let scalar = scalars[i]
            i += 1
            switch scalar {
            case "*":
                if tokens.last != .anyRun { tokens.append(.anyRun) }
            case "?":
                tokens.append(.anyOne)
            case "[":
                if let (set, next) = compileSet(scalars, from: i) {
                    tokens.append(set)
                    i = next
                } else {
                    tokens.append(.literal("["))
                }
            default:
                tokens.append(.literal(scalar))
            }
        }
        return tokens
    }

    /// Parses a set after its `[`; nil when it has no closing `]` (then the `[` is an ordinary character).
    private static func compileSet(_ scalars: [Unicode.Scalar], from start: Int) -> (Token, Int)? {
        var i = start
        var negated = false
        if i < scalars.count, scalars[i] == "!" {
            negated = true
            i += 1
        }
        var members: [Unicode.Scalar] = []
        // A `]` right after `[` or `[!` is a member, as in fnmatch.
        if i < scalars.count, scalars[i] == "]" {
            members.append("]")
            i += 1
        }
        while i < scalars.count, scalars[i] != "]" {
            members.append(scalars[i])
            i += 1
        }
        guard i < scalars.count else { return nil }
        var ranges: [ClosedRange<Unicode.Scalar>] = []
        var j = 0
        while j < members.count {
            if j + 2 < members.count, members[j + 1] == "-" {
                // A reversed range (z-a) matches nothing, as in Python 3.
                if members[j] <= members[j + 2] { ranges.append(members[j]...members[j + 2]) }
                j += 3
            } else {
                ranges.append(members[j]...members[j])
                j += 1
            }
        }
        // A reversed range leaves the set empty: it then matches nothing, or (negated) any one character.
        return (.set(negated: negated, ranges: ranges), i + 1)
    }
}
