/// Expression grammar, lowest to highest precedence, as jinja2 parses it:
/// conditional, `or`, `and`, `not`, comparisons, `+ -`, `~`, `* / // %`,
/// `**`, unary `- +`, then primary with postfix (`.x`, `[i]`, `(args)`) and
/// filters/tests (`| f`, `is t`), which bind tighter than binary operators.
extension Parser {
    var peek: TokenKind? { tokens.indices.contains(tokenIndex) ? tokens[tokenIndex].kind : nil }

    private var peekNext: TokenKind? { tokens.indices.contains(tokenIndex + 1) ? tokens[tokenIndex + 1].kind : nil }

    mutating func expectName() throws -> String {
        guard case .name(let name) = peek else { throw fail("expected a name") }
        tokenIndex += 1
        return name
    }

    mutating func expectOp(_ op: String) throws {
        guard case .op(op) = peek else { throw fail("expected '\(op)'") }
        tokenIndex += 1
    }

    mutating func expectTagEnd() throws {
        guard tokenIndex == tokens.count else { throw fail("expected end of tag, got \(describe(peek))") }
    }

    private func describe(_ token: TokenKind?) -> String {
        switch token {
        case .name(let n): return "'\(n)'"
        case .op(let o): return "'\(o)'"
        case .string: return "string"
        case .int, .float: return "number"
        case nil: return "end of tag"
        }
    }

    private mutating func skipOp(_ op: String) -> Bool {
        guard case .op(op) = peek else { return false }
        tokenIndex += 1
        return true
    }

    private mutating func skipName(_ name: String) -> Bool {
        guard case .name(name) = peek else { return false }
        tokenIndex += 1
        return true
    }

    /// An expression, or several separated by commas (a tuple).
    mutating func parseTuple(allowConditional: Bool = true) throws -> Expr {
        var items: [Expr] = []
        var sawComma = false
        while true {
            if !items.isEmpty, isTupleEnd { break }
            items.append(allowConditional ? try parseExpression() : try parseOr())
            guard skipOp(",") else { break }
            sawComma = true
        }
        if items.count == 1, !sawComma, let only = items.first { return only }
        if items.isEmpty { throw fail("expected an expression") }
        return .tuple(items)
    }

    private var isTupleEnd: Bool {
        switch peek {
        case nil, .op(")"), .op("]"), .op("}"): return true
        case .name(let n): return n == "in" || n == "if"
        default: return false
        }
    }

    /// Counts one more link of a chain built in a loop (`a ~ b ~ c`, `x.a.b`,
    /// `x | f | g`) against the depth limit: each link nests the AST one level
    /// deeper, and evaluating or freeing it recurses once per level, though the
    /// loop that builds it does not. The caller gives the links back on exit.
    private mutating func link(_ links: inout Int) throws {
        try enter()
        links += 1
    }

    mutating func parseExpression() throws -> Expr {
        try enter()
        var links = 1
        defer { depth -= links }
        var expr = try parseOr()
        while skipName("if") {
            try link(&links)
            let condition = try parseOr()
            let otherwise: Expr? = skipName("else") ? try parseExpression() : nil
            expr = .conditional(then: expr, condition: condition, otherwise: otherwise)
        }
        return expr
    }

    private mutating func parseOr() throws -> Expr {
        var links = 0
        defer { depth -= links }
        var left = try parseAnd()
        while skipName("or") {
            try link(&links)
            left = .or(left, try parseAnd())
        }
        return left
    }

    private mutating func parseAnd() throws -> Expr {
        var links = 0
        defer { depth -= links }
        var left = try parseNot()
        while skipName("and") {
            try link(&links)
            left = .and(left, try parseNot())
        }
        return left
    }

    private mutating func parseNot() throws -> Expr {
        if skipName("not") {
            try enter()
            defer { depth -= 1 }
            return .not(try parseNot())
        }
        return try parseCompare()
    }

    private mutating func parseCompare() throws -> Expr {
        let left = try parseMath1()
        var ops: [(String, Expr)] = []
        while true {
            if case .op(let op) = peek, ["==", "!=", "<", ">", "<=", ">="].contains(op) {
                tokenIndex += 1
                ops.append((op, try parseMath1()))
            } else if skipName("in") {
                ops.append(("in", try parseMath1()))
            } else if case .name("not") = peek, case .name("in") = peekNext {
                tokenIndex += 2
                ops.append(("notin", try parseMath1()))
            } else {
                break
            }
        }
        return ops.isEmpty ? left : .compare(left, ops)
    }

    private mutating func parseMath1() throws -> Expr {
        var links = 0
        defer { depth -= links }
        var left = try parseConcat()
        while case .op(let op) = peek, op == "+" || op == "-" {
            tokenIndex += 1
            try link(&links)
            left = .binary(op, left, try parseConcat())
        }
        return left
    }

    private mutating func parseConcat() throws -> Expr {
        var links = 0
        defer { depth -= links }
        var left = try parseMath2()
        while skipOp("~") {
            try link(&links)
            left = .binary("~", left, try parseMath2())
        }
        return left
    }

    private mutating func parseMath2() throws -> Expr {
        var links = 0
        defer { depth -= links }
        var left = try parsePow()
        while case .op(let op) = peek, ["*", "/", "//", "%"].contains(op) {
            tokenIndex += 1
            try link(&links)
            left = .binary(op, left, try parsePow())
        }
        return left
    }

    private mutating func parsePow() throws -> Expr {
        var links = 0
        defer { depth -= links }
        var left = try parseUnary(withFilter: true)
        while skipOp("**") {
            try link(&links)
            left = .binary("**", left, try parseUnary(withFilter: true))
        }
        return left
    }

    private mutating func parseUnary(withFilter: Bool) throws -> Expr {
        try enter()
        defer { depth -= 1 }
        var expr: Expr
        if skipOp("-") {
            expr = .unary("-", try parseUnary(withFilter: false))
        } else if skipOp("+") {
            expr = .unary("+", try parseUnary(withFilter: false))
        } else {
            expr = try parsePrimary()
        }
        expr = try parsePostfix(expr)
        if withFilter { expr = try parseFilterChain(expr) }
        return expr
    }

    private mutating func parsePrimary() throws -> Expr {
        try enter()
        defer { depth -= 1 }
        guard let token = peek else { throw fail("unexpected end of expression") }
        tokenIndex += 1
        switch token {
        case .name(let name):
            switch name {
            case "true", "True": return .literal(.bool(true))
            case "false", "False": return .literal(.bool(false))
            case "none", "None": return .literal(.none)
            default: return .name(name)
            }
        case .string(var text):
            while case .string(let more) = peek {
                text += more
                tokenIndex += 1
            }
            return .literal(.string(text))
        case .int(let value): return .literal(.int(value))
        case .float(let value): return .literal(.double(value))
        case .op("("):
            if skipOp(")") { return .tuple([]) }
            let inner = try parseTuple()
            try expectOp(")")
            return inner
        case .op("["):
            var items: [Expr] = []
            while !skipOp("]") {
                if !items.isEmpty { try expectOp(",") }
                if skipOp("]") { break }
                items.append(try parseExpression())
            }
            return .list(items)
        case .op("{"):
            var pairs: [(Expr, Expr)] = []
            while !skipOp("}") {
                if !pairs.isEmpty { try expectOp(",") }
                if skipOp("}") { break }
                let key = try parseExpression()
                try expectOp(":")
                pairs.append((key, try parseExpression()))
            }
            return .dict(pairs)
        default:
            tokenIndex -= 1
            throw fail("unexpected \(describe(token))")
        }
    }

    private mutating func parsePostfix(_ base: Expr) throws -> Expr {
        var links = 0
        defer { depth -= links }
        var expr = base
        while true {
            if case .op(let op) = peek, op == "." || op == "[" || op == "(" { try link(&links) }
            if skipOp(".") {
                switch peek {
                case .name(let name):
                    tokenIndex += 1
                    expr = .attribute(expr, name)
                case .int(let i):
                    tokenIndex += 1
                    expr = .index(expr, .literal(.int(i)))
                default: throw fail("expected attribute name")
                }
            } else if skipOp("[") {
                expr = try parseSubscript(expr)
            } else if case .op("(") = peek {
                expr = .call(expr, try parseCallArguments())
            } else {
                return expr
            }
        }
    }

    private mutating func parseSubscript(_ base: Expr) throws -> Expr {
        func bound(_ parser: inout Parser) throws -> Expr? {
            switch parser.peek {
            case .op(":"), .op("]"): return nil
            default: return try parser.parseExpression()
            }
        }
        let start = try bound(&self)
        if skipOp("]") {
            guard let start else { throw fail("expected subscript") }
            return .index(base, start)
        }
        try expectOp(":")
        let stop = try bound(&self)
        var step: Expr?
        if skipOp(":") { step = try bound(&self) }
        try expectOp("]")
        return .slice(base, start: start, stop: stop, step: step)
    }

    mutating func parseCallArguments() throws -> Arguments {
        try expectOp("(")
        var args = Arguments()
        while !skipOp(")") {
            if !(args.positional.isEmpty && args.keyword.isEmpty) { try expectOp(",") }
            if skipOp(")") { break }
            if case .name(let key) = peek, case .op("=") = peekNext {
                tokenIndex += 2
                args.keyword.append((key, try parseExpression()))
            } else {
                guard args.keyword.isEmpty else { throw fail("positional argument after keyword argument") }
                args.positional.append(try parseExpression())
            }
        }
        return args
    }

    /// `name`, `name.sub`, then optional `(args)`.
    mutating func parseFilterCall() throws -> (String, Arguments) {
        var name = try expectName()
        while case .op(".") = peek, case .name(let more) = peekNext {
            tokenIndex += 2
            name += "." + more
        }
        var args = Arguments()
        if case .op("(") = peek { args = try parseCallArguments() }
        return (name, args)
    }

    private mutating func parseFilterChain(_ base: Expr) throws -> Expr {
        var links = 0
        defer { depth -= links }
        var expr = base
        while true {
            switch peek {
            case .op("|"), .op("("), .name("is"): try link(&links)
            default: break
            }
            if skipOp("|") {
                let (name, args) = try parseFilterCall()
                expr = .filter(expr, name: name, args)
            } else if skipName("is") {
                let negated = skipName("not")
                var name = try expectName()
                while case .op(".") = peek, case .name(let more) = peekNext {
                    tokenIndex += 2
                    name += "." + more
                }
                var args = Arguments()
                switch peek {
                case .op("("):
                    args = try parseCallArguments()
                case .name(let n) where !["else", "or", "and"].contains(n):
                    if n == "is" { throw fail("You cannot chain multiple tests with is") }
                    args.positional = [try parsePostfix(try parsePrimary())]
                case .string, .int, .float, .op("["), .op("{"):
                    args.positional = [try parsePostfix(try parsePrimary())]
                default: break
                }
                expr = .test(expr, name: name, args, negated: negated)
            } else if case .op("(") = peek {
                expr = .call(expr, try parseCallArguments())
            } else {
                return expr
            }
        }
    }
}
