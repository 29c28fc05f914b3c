/// Builds the statement tree from lexer segments (jinja2's grammar for the
/// tags chat templates use: if/elif/else, for/else, set, macro, call, filter,
/// break/continue, and transformers' `generation` block).
struct Parser {
    let segments: [Segment]
    var index = 0
    var tokens: [Token] = []
    var tokenIndex = 0
    var line = 1
    var depth = 0
    static let maxDepth = 200

    init(segments: [Segment]) { self.segments = segments }

    static func parse(_ source: String) throws -> [Node] {
        var parser = Parser(segments: try Lexer.tokenize(source))
        let (nodes, end) = try parser.parseBody(until: [])
        if let end { throw TemplateError("unexpected '\(end)'", line: parser.line) }
        return nodes
    }

    func fail(_ message: String) -> TemplateError {
        TemplateError(message, line: tokens.indices.contains(tokenIndex) ? tokens[tokenIndex].line : line)
    }

    mutating func enter() throws {
        depth += 1
        if depth > Self.maxDepth { throw fail("template nesting too deep") }
    }

    /// Parses nodes until a statement tag named in `endTags`; returns that
    /// tag's name with its remaining tokens loaded (nil at end of input).
    mutating func parseBody(until endTags: Set<String>) throws -> ([Node], String?) {
        try enter()
        defer { depth -= 1 }
        var nodes: [Node] = []
        while index < segments.count {
            let segment = segments[index]
            index += 1
            switch segment {
            case .text(let text):
                nodes.append(.text(text))
            case .output(let toks, let tagLine):
                load(toks, line: tagLine)
                let expr = try parseTuple()
                try expectTagEnd()
                nodes.append(.output(expr))
            case .statement(let toks, let tagLine):
                load(toks, line: tagLine)
                let name = try expectName()
                if endTags.contains(name) { return (nodes, name) }
                nodes.append(contentsOf: try parseStatement(name))
            }
        }
        if !endTags.isEmpty {
            let expected = endTags.sorted().joined(separator: "' or '")
            throw TemplateError("unexpected end of template, expected '\(expected)'", line: line)
        }
        return (nodes, nil)
    }

    mutating func load(_ toks: [Token], line tagLine: Int) {
        tokens = toks
        tokenIndex = 0
        line = tagLine
    }

    private mutating func parseStatement(_ name: String) throws -> [Node] {
        switch name {
        case "if": return [try parseIf()]
        case "for": return [try parseFor()]
        case "set": return [try parseSet()]
        case "macro": return [try parseMacro()]
        case "call": return [try parseCallBlock()]
        case "filter": return [try parseFilterBlock()]
        case "generation":
            try expectTagEnd()
            let (body, _) = try parseBody(until: ["endgeneration"])
            try expectTagEnd()
            return body
        case "break":
            try expectTagEnd()
            return [.breakLoop]
        case "continue":
            try expectTagEnd()
            return [.continueLoop]
        default:
            throw TemplateError("Encountered unknown tag '\(name)'.", line: line)
        }
    }

    private mutating func parseIf() throws -> Node {
        var branches: [(Expr, [Node])] = []
        var condition = try parseTuple(allowConditional: false)
        try expectTagEnd()
        while true {
            let (body, end) = try parseBody(until: ["elif", "else", "endif"])
            branches.append((condition, body))
            switch end {
            case "elif":
                condition = try parseTuple(allowConditional: false)
                try expectTagEnd()
            case "else":
                try expectTagEnd()
                let (otherwise, _) = try parseBody(until: ["endif"])
                try expectTagEnd()
                return .ifChain(branches, otherwise: otherwise)
            default:
                try expectTagEnd()
                return .ifChain(branches, otherwise: [])
            }
        }
    }

    private mutating func parseFor() throws -> Node {
        let target = try parseTarget(stopAtIn: true)
        guard case .name("in") = peek else { throw fail("expected 'in'") }
        tokenIndex += 1
        let iterable = try parseTuple(allowConditional: false)
        var condition: Expr?
        if case .name("if") = peek {
            tokenIndex += 1
            condition = try parseExpression()
        }
        if case .name("recursive") = peek { throw fail("recursive loops are not supported") }
        try expectTagEnd()
        let (body, end) = try parseBody(until: ["else", "endfor"])
        var otherwise: [Node] = []
        try expectTagEnd()
        if end == "else" {
            (otherwise, _) = try parseBody(until: ["endfor"])
            try expectTagEnd()
        }
        return .forLoop(ForLoop(target: target, iterable: iterable, condition: condition, body: body, otherwise: otherwise))
    }

    /// `a`, `ns.a`, `a, b` or `(a, b)`.
    private mutating func parseTarget(stopAtIn: Bool) throws -> Target {
        var items: [Target] = []
        var sawComma = false
        while true {
            if case .name(let n) = peek, stopAtIn, n == "in" { break }
            if case .op("(") = peek {
                tokenIndex += 1
                try enter()
                items.append(try parseTarget(stopAtIn: false))
                depth -= 1
                try expectOp(")")
            } else {
                let name = try expectName()
                if case .op(".") = peek {
                    tokenIndex += 1
                    items.append(.attribute(name, try expectName()))
                } else {
                    items.append(.name(name))
                }
            }
            guard case .op(",") = peek else { break }
            tokenIndex += 1
            sawComma = true
        }
        if items.count == 1, !sawComma, let only = items.first { return only }
        return .tuple(items)
    }

    private mutating func parseSet() throws -> Node {
        let target = try parseTarget(stopAtIn: false)
        if case .op("=") = peek {
            tokenIndex += 1
            let value = try parseTuple()
            try expectTagEnd()
            return .set(target, value)
        }
        guard case .name(let name) = target else { throw fail("expected '='") }
        var filters: [(String, Arguments)] = []
        while case .op("|") = peek {
            tokenIndex += 1
            filters.append(try parseFilterCall())
        }
        try expectTagEnd()
        let (body, _) = try parseBody(until: ["endset"])
        try expectTagEnd()
        return .setBlock(name, filters.isEmpty ? body : [.filterBlock(filters, body)])
    }

    private mutating func parseSignature(name: String) throws -> MacroDefinition {
        var parameters: [(String, Expr?)] = []
        try expectOp("(")
        while true {
            if case .op(")") = peek { break }
            let param = try expectName()
            var defaultValue: Expr?
            if case .op("=") = peek {
                tokenIndex += 1
                defaultValue = try parseExpression()
            }
            parameters.append((param, defaultValue))
            guard case .op(",") = peek else { break }
            tokenIndex += 1
        }
        try expectOp(")")
        return MacroDefinition(name: name, parameters: parameters, body: [])
    }

    private mutating func parseMacro() throws -> Node {
        let name = try expectName()
        let signature = try parseSignature(name: name)
        try expectTagEnd()
        let (body, _) = try parseBody(until: ["endmacro"])
        try expectTagEnd()
        return .macro(MacroDefinition(name: name, parameters: signature.parameters, body: body))
    }

    private mutating func parseCallBlock() throws -> Node {
        var callerParameters: [(String, Expr?)] = []
        if case .op("(") = peek { callerParameters = try parseSignature(name: "caller").parameters }
        let call = try parseExpression()
        guard case .call = call else { throw fail("expected call") }
        try expectTagEnd()
        let (body, _) = try parseBody(until: ["endcall"])
        try expectTagEnd()
        return .callBlock(call, caller: MacroDefinition(name: "caller", parameters: callerParameters, body: body))
    }

    private mutating func parseFilterBlock() throws -> Node {
        var filters: [(String, Arguments)] = [try parseFilterCall()]
        while case .op("|") = peek {
            tokenIndex += 1
            filters.append(try parseFilterCall())
        }
        try expectTagEnd()
        let (body, _) = try parseBody(until: ["endfilter"])
        try expectTagEnd()
        return .filterBlock(filters, body)
    }
}
