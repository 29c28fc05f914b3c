import Foundation
import Testing

@testable import ChatTemplate

/// One oracle case from `Fixtures/chat_templates.json`, produced by
/// `tools/chat_template_fixtures.py` with jinja2 configured as transformers.
struct FixtureCase: Decodable, CustomTestStringConvertible, Sendable {
    let name: String
    let template: String?
    let templateFile: String?
    let context: String
    let expected: String?
    let error: Bool?
    let errorMessage: String?

    enum CodingKeys: String, CodingKey {
        case name, template, context, expected, error
        case templateFile = "template_file"
        case errorMessage = "error_message"
    }

    var testDescription: String { name }

    static let fixturesURL = Bundle.module.url(forResource: "Fixtures", withExtension: nil)

    static func all() -> [FixtureCase] {
        guard let base = fixturesURL,
            let data = try? Data(contentsOf: base.appendingPathComponent("chat_templates.json")),
            let cases = try? JSONDecoder().decode([FixtureCase].self, from: data)
        else { return [] }
        return cases
    }

    func source() throws -> String {
        if let template { return template }
        guard let base = Self.fixturesURL, let file = templateFile else { throw TemplateError("no template") }
        return try String(contentsOf: base.appendingPathComponent("templates").appendingPathComponent(file), encoding: .utf8)
    }
}

@Test func fixturesArePresent() {
    #expect(FixtureCase.all().count >= 150)
}

@Test(arguments: FixtureCase.all())
func rendersLikeJinja2(_ fixture: FixtureCase) throws {
    let source = try fixture.source()
    let context = try TemplateValue(json: fixture.context)
    guard case .object(let variables) = context else {
        Issue.record("context is not an object")
        return
    }
    let result: Result<String, Error> = Result { try ChatTemplate(source).render(variables) }
    if fixture.error == true {
        if case .success(let text) = result {
            Issue.record("expected an error (\(fixture.errorMessage ?? "")), got \(text.debugDescription)")
        }
        return
    }
    switch result {
    case .success(let text):
        #expect(text == fixture.expected)
    case .failure(let error):
        Issue.record("unexpected error: \(error)")
    }
}

@Test func raiseExceptionMessageIsVerbatim() throws {
    let template = try ChatTemplate("{{ raise_exception('Roles must alternate user/assistant!') }}")
    #expect(throws: TemplateError("Roles must alternate user/assistant!", raised: true)) {
        try template.render([])
    }
}

@Test func jsonParserKeepsKeyOrderAndTypes() throws {
    let value = try TemplateValue(json: #"{"z": 1, "a": [true, null, 2.5, "é\u00e9\n"], "m": {}}"#)
    guard case .object(let object) = value else {
        Issue.record("not an object")
        return
    }
    #expect(object.keys == ["z", "a", "m"])
    #expect(object["a"] == .array([.bool(true), .null, .double(2.5), .string("éé\n")]))
    let rendered = try ChatTemplate("{{ v | tojson }}").render([("v", value)])
    #expect(rendered == #"{"z": 1, "a": [true, null, 2.5, "éé\n"], "m": {}}"#)
}

@Test func parseErrorsCarryLines() throws {
    do {
        _ = try ChatTemplate("line1\n{% if true %}\n{{ 1 + }}\n{% endif %}")
        Issue.record("expected a parse error")
    } catch let error as TemplateError {
        #expect(error.line == 3)
    }
}
