/// Expressions of the template language.
indirect enum Expr: Sendable {
    case literal(Literal)
    case name(String)
    case list([Expr])
    case tuple([Expr])
    case dict([(Expr, Expr)])
    case attribute(Expr, String)
    case index(Expr, Expr)
    case slice(Expr, start: Expr?, stop: Expr?, step: Expr?)
    case call(Expr, Arguments)
    case filter(Expr, name: String, Arguments)
    case test(Expr, name: String, Arguments, negated: Bool)
    case unary(String, Expr)
    case binary(String, Expr, Expr)
    case compare(Expr, [(String, Expr)])
    case and(Expr, Expr)
    case or(Expr, Expr)
    case not(Expr)
    case conditional(then: Expr, condition: Expr, otherwise: Expr?)
}

/// A constant written in the template.
enum Literal: Sendable {
    case none
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
}

/// Call arguments: positional, then keyword.
struct Arguments: Sendable {
    var positional: [Expr] = []
    var keyword: [(String, Expr)] = []
}

/// Assignment targets of `for` and `set`.
indirect enum Target: Sendable {
    case name(String)
    case attribute(String, String)
    case tuple([Target])
}

/// Statements and output of the template body.
indirect enum Node: Sendable {
    case text(String)
    case output(Expr)
    case ifChain([(Expr, [Node])], otherwise: [Node])
    case forLoop(ForLoop)
    case set(Target, Expr)
    case setBlock(String, [Node])
    case macro(MacroDefinition)
    case callBlock(Expr, caller: MacroDefinition)
    case filterBlock([(String, Arguments)], [Node])
    case breakLoop
    case continueLoop
}

struct ForLoop: Sendable {
    let target: Target
    let iterable: Expr
    let condition: Expr?
    let body: [Node]
    let otherwise: [Node]
}

/// A `{% macro %}`: parameters with optional defaults, and its body.
struct MacroDefinition: Sendable {
    let name: String
    let parameters: [(String, Expr?)]
    let body: [Node]
}
