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
