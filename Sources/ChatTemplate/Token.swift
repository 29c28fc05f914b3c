/// One lexical token inside `{{ }}` or `{% %}`.
enum TokenKind: Equatable, Sendable {
    case name(String)
    case string(String)
    case int(Int)
    case float(Double)
    case op(String)
}

struct Token: Sendable {
    let kind: TokenKind
    let line: Int
}

/// The template split into literal text and tags (comments already dropped,
/// whitespace control already applied, raw blocks already turned into text).
enum Segment: Sendable {
    case text(String)
    case output([Token], line: Int)
    case statement([Token], line: Int)
}
