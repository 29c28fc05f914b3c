import Testing

@testable import ChatTemplate

/// Templates and data that must end in a `TemplateError`, never a crash or a hang.
@Suite struct HostileInputTests {
    func expectError(
        _ source: String, _ context: [(String, TemplateValue)] = [], sourceLocation: SourceLocation = #_sourceLocation
    ) {
        do {
            let text = try ChatTemplate(source).render(context)
            Issue.record("expected an error, rendered \(text.utf8.count) bytes", sourceLocation: sourceLocation)
        } catch is TemplateError {
        } catch {
            Issue.record("unexpected error type: \(error)", sourceLocation: sourceLocation)
        }
    }

    @Test func unterminatedTags() {
        expectError("{{ 1 + 2")
        expectError("{% if x %}")
        expectError("{# never closed")
        expectError("{% raw %} no end")
        expectError("{{ 'unterminated }}")
        expectError("{% for x in y %}{% endif %}")
        expectError("{% endfor %}")
    }

    @Test func deepNesting() {
        expectError("{{ " + String(repeating: "(", count: 10_000) + "1" + String(repeating: ")", count: 10_000) + " }}")
        expectError("{{ " + String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000) + " }}")
        expectError("{{ " + String(repeating: "not ", count: 10_000) + "x }}")
        expectError("{{ " + String(repeating: "-", count: 10_000) + "1 }}")
        expectError(String(repeating: "{% if true %}", count: 5_000) + String(repeating: "{% endif %}", count: 5_000))
        let deepJSON = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(throws: TemplateError.self) { try TemplateValue(json: deepJSON) }
    }

    @Test func hugeRangesAndLoops() {
        expectError("{{ range(10000000000) | length }}")
        expectError("{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}")
        expectError("{{ 'x' * 100000000000 }}")
        expectError("{{ [1] * 100000000000 }}")
        expectError("{% set s = 'abcdefgh' * 100000 %}{% for i in range(100000) %}{{ s }}{% endfor %}")
    }

    @Test func runawayRecursion() {
        expectError("{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}")
        expectError("{% macro f() %}{{ f() }}{{ f() }}{% endmacro %}{{ f() }}")
    }

    @Test func deeplyNestedValues() throws {
        let build = "{% set ns = namespace(x=[]) %}{% for i in range(100000) %}{% set ns.x = [ns.x] %}{% endfor %}"
        expectError(build + "{{ ns.x }}")
        expectError(build + "{{ ns.x | tojson }}")
        expectError(build + "{{ ns.x == ns.x }}")
        expectError("{% set ns = namespace() %}{% set ns.me = ns %}{{ ns }}")
        _ = try? ChatTemplate(build + "{{ ns.x | length }}").render([])
    }

    @Test func integerOverflow() {
        expectError("{{ 9223372036854775807 + 1 }}")
        expectError("{{ 2 ** 64 }}")
        expectError("{{ -9223372036854775807 - 2 }}")
        expectError("{{ 99999999999999999999 }}")
        expectError("{{ (-9223372036854775807 - 1) // -1 }}")
        expectError("{{ 4611686018427387904 * 2 }}")
        expectError("{{ n * n }}", [("n", .int(Int.max))])
        expectError("{{ -n }}", [("n", .int(Int.min))])
        expectError("{{ n | abs }}", [("n", .int(Int.min))])
    }

    @Test func badOperations() {
        expectError("{{ 1 / 0 }}")
        expectError("{{ 1 % 0 }}")
        expectError("{{ [1][::0] }}")
        expectError("{{ none.x.y }}")
        expectError("{{ x() }}")
        expectError("{{ 1() }}")
        expectError("{{ 'a' < 1 }}")
        expectError("{{ [].append(1) }}")
    }
}

/// Hostile templates that once trapped or ran without end: bad `int` bases,
/// values nested through bound methods, chains too long for the AST, lists
/// printed or joined into terabytes, and single steps doing quadratic work.
/// Each must now fail with a `TemplateError`, quickly.
@Suite struct HostileLimitTests {
    /// Renders `source` under a short deadline; expects a `TemplateError` well
    /// inside `within` (each takes under 1.5 s in a debug build run alone; the
    /// bound leaves room for parallel tests on a small machine).
    func expectQuickError(
        _ source: String, deadline: Double = 0.3, within limit: Duration = .seconds(4),
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        let start = ContinuousClock.now
        var limits = Renderer.Limits()
        limits.maxSeconds = deadline
        do {
            guard source.utf8.count <= ChatTemplate.maxSourceBytes else { throw TemplateError("too large") }
            let text = try Renderer(context: [:], limits: limits).render(try Parser.parse(source))
            Issue.record("expected an error, rendered \(text.utf8.count) bytes", sourceLocation: sourceLocation)
        } catch is TemplateError {
        } catch {
            Issue.record("unexpected error type: \(error)", sourceLocation: sourceLocation)
        }
        let elapsed = ContinuousClock.now - start
        #expect(elapsed < limit, "took \(elapsed)", sourceLocation: sourceLocation)
    }

    func render(_ source: String) throws -> String { try ChatTemplate(source).render([]) }

    /// Python refuses bases outside 0 and 2...36; jinja2 then falls back to
    /// `int(float(text))`, so these render (outputs checked with jinja2 3.1.6).
    @Test func intBasesOutsideSwiftsRange() throws {
        #expect(try render(#"{{ "7" | int(0, 0) }}"#) == "7")
        #expect(try render(#"{{ "7" | int(base=1) }}"#) == "7")
        #expect(try render(#"{{ "ff" | int(9, -5) }}"#) == "9")
        #expect(try render(#"{{ "z" | int(5, 37) }}"#) == "5")
        #expect(try render(#"{{ "0x1F" | int(0, 0) }} {{ "0x1F" | int(base=16) }} {{ "-0x1f" | int(0, 0) }}"#) == "31 31 -31")
        #expect(try render(#"{{ "0b101" | int(base=0) }} {{ "0o17" | int(base=0) }} {{ "017" | int(base=0) }}"#) == "5 15 17")
        #expect(try render(#"{{ "00" | int(9, 0) }} {{ "0b" | int(9, 0) }} {{ "7.5" | int(3, 99) }}"#) == "0 9 7")
    }

    @Test func nestingThroughBoundMethods() {
        expectQuickError(
            "{% set ns = namespace(x=0) %}{% for i in range(100000) %}{% set ns.x = [ns.x].copy %}{% endfor %}")
        expectQuickError("{% set ns = namespace() %}{% set ns.f = [ns].copy %}")
        expectQuickError("{% set ns = namespace() %}{% set ns.f = {'a': ns}.items %}")
    }

    @Test func longChainsAreParseErrors() {
        // As many links as fit under the source cap (100,000 or more each).
        func chain(_ link: String) -> String {
            "{{ x" + String(repeating: link, count: (ChatTemplate.maxSourceBytes - 16) / link.utf8.count) + " }}"
        }
        for op in ["~", " + ", " - ", "*", " and ", " or ", "**", " if "] { expectQuickError(chain(op + "x")) }
        for link in [".a", "[0]", "()", "|string", "|f()", " is defined"] { expectQuickError(chain(link)) }
    }

    @Test func deepSetTargets() {
        let n = 200_000
        expectQuickError("{% set " + String(repeating: "(", count: n) + "a" + String(repeating: ")", count: n) + " = 1 %}")
        expectQuickError("{% for " + String(repeating: "(", count: n) + "a" + String(repeating: ")", count: n) + " in x %}{% endfor %}")
    }

    @Test func hugeTextBuilders() {
        let big = "{% set s = 'x' * 4000000 %}"
        expectQuickError(big + "{{ [s] * 4000000 }}")
        expectQuickError(big + "{{ ([s] * 4000000) | string }}")
        expectQuickError(big + "{{ s.join([s] * 4000000) }}")
        expectQuickError(big + "{{ ([s] * 4000000) | join(s) }}")
        expectQuickError(big + "{{ ([[s, s]] * 4000000) | join }}")
        expectQuickError(big + "{{ s.replace('x', s) }}")
        expectQuickError(big + "{{ s.replace('', s) }}")
        expectQuickError(big + "{{ s | replace('x', 'yy') }}")
        expectQuickError("{{ ('a\\n' * 2000000) | indent(4000000) }}")
        expectQuickError("{{ ('a\\n' * 2000000) | indent('xyzw' * 1000000, blank=true) }}")
        expectQuickError("{{ [1] | batch(1000000000000, 0) }}")
    }

    @Test func quadraticWorkHitsTheDeadline() {
        let s = "{% set s = 'a' * 4000000 %}"
        expectQuickError(s + "{% set t = 'a' * 2000000 ~ 'b' %}{{ s.count(t) }}")
        expectQuickError(s + "{% set t = 'a' * 2000000 ~ 'b' %}{{ t in s }}")
        expectQuickError(s + "{% set t = 'a' * 2000000 ~ 'b' %}{{ s.find(t) }}{{ s.rfind('b' ~ t) }}")
        expectQuickError(s + "{% set t = 'a' * 2000000 ~ 'b' %}{{ s.split(t) }}")
        expectQuickError(s + "{% set l = [s] * 4000000 %}{{ l == l }}")
        expectQuickError(s + "{% set l = [s] * 4000000 %}{{ l | sort | length }}")
        expectQuickError(s + "{% set l = [s] * 4000000 %}{{ l | unique | length }}")
        expectQuickError(s + "{% set l = [s ~ 'b'] * 4000000 %}{{ s.startswith(l) }}")
        expectQuickError(
            "{% set big = [[1] * 4000000] %}{% for i in range(100000) %}{% set y = [big] %}{% endfor %}")
        expectQuickError("{{ range(100000) | batch(1) | unique | length }}")
        expectQuickError("{{ ([[1]] * 4000000) | sum(start=[]) | length }}")
        expectQuickError("{{ ['a'] | sum(start='') }}")
    }

    @Test func uniqueHashesWhatItCan() throws {
        #expect(try render("{{ ((range(10000) | list) * 50) | unique | length }}") == "10000")
        #expect(try render("{{ [1, 1.0, true, '1', 'A', 'a', none, none] | unique | list }}") == "[1, '1', 'A', None]")
        #expect(try render("{{ ['A', 'a'] | unique(case_sensitive=true) | list }}") == "['A', 'a']")
    }

    /// jinja2 3.1.6 renders `True` for both: `in` searches code points.
    @Test func inSearchesScalars() throws {
        #expect(try render("{{ '\\n' in 'a\\r\\nb' }} {{ '\\r' in 'a\\r\\nb' }}") == "True True")
    }

    @Test func templateSourceCap() {
        #expect(throws: TemplateError.self) { try ChatTemplate(String(repeating: "x", count: (1 << 20) + 1)) }
        #expect(Renderer.Limits().maxSeconds == 2)
    }
}
