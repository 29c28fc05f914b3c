import Testing

@testable import ChatTemplate

@Test func rendersHello() throws {
    let t = try ChatTemplate("Hello {{ name }}!")
    #expect(try t.render([("name", "World")]) == "Hello World!")
}
