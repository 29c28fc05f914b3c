import Foundation
import Testing
@testable import GatewayCore
@testable import ONNXRuntime

/// Tool use without a model: how a conversation with tools is folded into plain messages, the grammar built from
/// the tools, and the streaming parser that splits calls out of the output.
struct ToolUseTests {
    static let weather = ToolDefinition(
        name: "get_weather", description: "Weather for a city",
        parameters: #"{"properties":{"city":{"type":"string"}},"required":["city"],"type":"object"}"#)
    static let time = ToolDefinition(name: "get_time")

    @Test("the tools block ends the system message, or opens the conversation when it has none")
    func systemBlock() {
        let tools = ToolUse(tools: [Self.weather, Self.time], choice: .auto)
        let withSystem = tools.render([PromptMessage(role: .system, content: "Be brief."),
                                       PromptMessage(role: .user, content: "Hi")])
        #expect(withSystem.count == 2)
        #expect(withSystem[0].content.hasPrefix("Be brief.\n\n# Tools"))
        #expect(withSystem[0].content.contains(#"{"type":"function","function":{"name":"get_weather","#))
        #expect(withSystem[0].content.contains(#"{"type":"function","function":{"name":"get_time","parameters":"#))
        let without = tools.render([PromptMessage(role: .user, content: "Hi")])
        #expect(without.map(\.role) == [.system, .user])
        // A named choice describes only that function; `none` describes none.
        let named = ToolUse(tools: [Self.weather, Self.time], choice: .function("get_time")).render(
            [PromptMessage(role: .user, content: "Hi")])
        #expect(!named[0].content.contains("get_weather") && named[0].content.contains("get_time"))
        let none = ToolUse(tools: [Self.weather], choice: .none).render([PromptMessage(role: .user, content: "Hi")])
        #expect(none == [PromptMessage(role: .user, content: "Hi")])
    }

    @Test("calls in the history are written in the model's format; consecutive results become one user turn")
    func history() {
        let messages = [
            PromptMessage(role: .user, content: "Weather in Paris and Rome?"),
            PromptMessage(role: .assistant, content: "", toolCalls: [
                ToolCall(id: "call_1", name: "get_weather", arguments: #"{ "city": "Paris" }"#),
                ToolCall(id: "call_2", name: "get_weather", arguments: #"{"city":"Rome"}"#),
            ]),
            PromptMessage(role: .tool, content: "18C", toolCallID: "call_1"),
            PromptMessage(role: .tool, content: "24C", toolCallID: "call_2"),
            PromptMessage(role: .user, content: "And in short?"),
            PromptMessage(role: .assistant, content: "Paris 18C, Rome 24C."),
        ]
        let plain = ToolUse.render(messages, format: .toolCallTags, systemBlock: nil)
        #expect(plain.map(\.role) == [.user, .assistant, .user, .assistant])
        #expect(plain[1].content == "<tool_call>\n{\"name\":\"get_weather\",\"arguments\":{\"city\":\"Paris\"}}\n"
            + "</tool_call>\n<tool_call>\n{\"name\":\"get_weather\",\"arguments\":{\"city\":\"Rome\"}}\n</tool_call>")
        #expect(plain[2].content == "<tool_response>\n18C\n</tool_response>\n<tool_response>\n24C\n</tool_response>"
            + "\nAnd in short?", "text after results joins their turn: roles keep alternating")
        #expect(plain.allSatisfy { $0.toolCalls.isEmpty && $0.toolCallID == nil })
    }

    @Test("the grammar: calls only under required, calls or text under auto, one call without parallel calls")
    func grammar() throws {
        #expect(ToolUse(tools: [Self.weather], choice: .none).grammar() == nil)
        guard case .lark(let required)? = ToolUse(tools: [Self.weather, Self.time], choice: .required).grammar() else {
            Issue.record("no Lark grammar")
            return
        }
        #expect(required.hasPrefix("start: calls\n"))
        #expect(required.contains(#"calls: call ("\n" call)*"#))
        #expect(required.contains(#"call: "<tool_call>\n" after_open"#))
        #expect(required.contains(#"after_open: body_0 "\n</tool_call>" | body_1 "\n</tool_call>""#))
        #expect(required.contains(#"body_0: %json {"type":"object","properties":{"name":{"const":"get_weather"},"#))
        guard case .lark(let auto)? = ToolUse(tools: [Self.weather], choice: .auto, parallel: false).grammar() else {
            Issue.record("no Lark grammar")
            return
        }
        #expect(auto.hasPrefix("start: TEXT | pre after_open\n"), "one call at most: no `more`")
        #expect(auto.contains(#"pre[lazy]: /(?s:.*)<tool_call>\n/"#))
        #expect(auto.contains("TEXT: /(?s:.*)/ & ~/(?s:.*<tool_call>.*)/"))
        guard case .lark(let named)? = ToolUse(tools: [Self.weather, Self.time], choice: .function("get_time")).grammar()
        else {
            Issue.record("no Lark grammar")
            return
        }
        #expect(named.contains(#"after_open: body_0 "\n</tool_call>"\#n"#) && named.contains(#"{"const":"get_time"}"#))
        #expect(!named.contains("get_weather"))
    }

    @Test("Llama's bare-object format: one call, `parameters`, text that never starts with a brace")
    func bareObjectFormat() throws {
        let format = ToolCallFormat.jsonObject
        guard case .lark(let required)? = ToolUse(tools: [Self.weather, Self.time], choice: .required, parallel: true,
                                                  format: format).grammar() else {
            Issue.record("no Lark grammar")
            return
        }
        #expect(required.hasPrefix("start: calls\ncalls: call\ncall: after_open\n"), "one call: \(required)")
        #expect(required.contains("after_open: body_0 | body_1\n"))
        #expect(required.contains(#""parameters":{"#) && required.contains(#""required":["name","parameters"]"#))
        guard case .lark(let auto)? = ToolUse(tools: [Self.weather], choice: .auto, format: format).grammar() else {
            Issue.record("no Lark grammar")
            return
        }
        #expect(auto.hasPrefix(#"start: TEXT | call\#nTEXT: /(?s:\s*([^{\s].*)?)/\#n"#), "\(auto)")
        #expect(format.render(ToolCall(id: "c", name: "get_weather", arguments: #"{"city": "Oslo"}"#))
            == #"{"name":"get_weather","parameters":{"city":"Oslo"}}"#)

        let output = #"{"name": "get_weather", "parameters": {"city": "Oslo"}}"#
        for allowsText in [false, true] {
            var pieces = ToolCallParser(format: format, allowsText: allowsText)
            var events: [ToolCallParser.Event] = []
            for character in output { events += pieces.feed(String(character)) }
            events += pieces.finish()
            #expect(pieces.calls.map(\.name) == ["get_weather"] && pieces.text.isEmpty)
            #expect(pieces.calls.first?.arguments == #"{"city": "Oslo"}"#)
            #expect(pieces.finishReason(for: .stop) == .toolCalls)
            #expect(!events.contains { if case .text = $0 { true } else { false } })
        }
        var text = ToolCallParser(format: format, allowsText: true)
        _ = text.feed("It is {cold} in Oslo.")
        _ = text.finish()
        #expect(text.text == "It is {cold} in Oslo." && text.calls.isEmpty)
        var second = ToolCallParser(format: format, allowsText: false)
        _ = second.feed(output + "\n" + output)
        _ = second.finish()
        #expect(second.calls.count == 1 && second.text == output, "one call per turn: the rest is text")
        var cut = ToolCallParser(format: format, allowsText: false)
        _ = cut.feed(#"{"name":"get_weather","parameters":{"ci"#)
        _ = cut.finish()
        #expect(cut.calls.count == 1 && cut.finishReason(for: .length) == .length)
    }

    @Test("a schema's $defs move to the top of the call's schema, where its references point")
    func hoistedDefinitions() throws {
        let tool = ToolDefinition(name: "f", parameters: ##"{"$defs":{"P":{"type":"string"}},"properties":{"p":{"$ref":"#/$defs/P"}},"type":"object"}"##)
        let schema = ToolUse.callSchema(tool)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(schema.utf8)) as? [String: Any])
        #expect((object["$defs"] as? [String: Any])?["P"] != nil)
        let arguments = try #require((object["properties"] as? [String: Any])?["arguments"] as? [String: Any])
        #expect(arguments["$defs"] == nil)
        // A schema without a type still makes the arguments an object.
        let untyped = try #require(try JSONSerialization.jsonObject(
            with: Data(ToolUse.callSchema(ToolDefinition(name: "g", parameters: "{}")).utf8)) as? [String: Any])
        #expect(((untyped["properties"] as? [String: Any])?["arguments"] as? [String: Any])?["type"] as? String
            == "object")
    }

    static let twoCalls = "<tool_call>\n{\"name\":\"get_weather\",\"arguments\":{\"city\":\"Zürich \\\"Nord\\\"\",\"n\":[1,{\"a\":\"}\"}]}}\n"
        + "</tool_call>\n<tool_call>\n{\"name\":\"get_time\",\"arguments\":{}}\n</tool_call>"

    @Test("the parser gives the same calls whether the output arrives whole or one character at a time")
    func parserStreaming() {
        var whole = ToolCallParser(format: .toolCallTags, allowsText: false)
        _ = whole.feed(Self.twoCalls)
        _ = whole.finish()
        #expect(whole.calls.map(\.name) == ["get_weather", "get_time"])
        #expect(whole.calls.map(\.arguments) == [#"{"city":"Zürich \"Nord\"","n":[1,{"a":"}"}]}"#, "{}"])
        #expect(whole.text.isEmpty)
        #expect(whole.calls.allSatisfy { $0.id.hasPrefix("call_") && $0.id.count == 29 })
        var pieces = ToolCallParser(format: .toolCallTags, allowsText: true)
        var events: [ToolCallParser.Event] = []
        for character in Self.twoCalls { events += pieces.feed(String(character)) }
        events += pieces.finish()
        #expect(pieces.calls.map(\.name) == whole.calls.map(\.name))
        #expect(pieces.calls.map(\.arguments) == whole.calls.map(\.arguments))
        #expect(!events.contains { if case .text = $0 { true } else { false } }, "no markup leaks as text")
        // The first event of each call carries its name; argument fragments follow and join to the arguments.
        guard case .callStart(0, let id, "get_weather")? = events.first else {
            Issue.record("first event \(String(describing: events.first))")
            return
        }
        #expect(id == pieces.calls[0].id)
        let fragments = events.compactMap { if case .arguments(0, let text) = $0 { text } else { nil } }
        #expect(fragments.joined() == pieces.calls[0].arguments && fragments.count > 1)
    }

    @Test("under auto, text before the first call is content and the calls after it are parsed")
    func parserTextThenCalls() {
        let output = "Let me check <that>.\n" + Self.twoCalls
        var whole = ToolCallParser(format: .toolCallTags, allowsText: true)
        _ = whole.feed(output)
        _ = whole.finish()
        #expect(whole.text == "Let me check <that>.\n")
        #expect(whole.calls.map(\.name) == ["get_weather", "get_time"])
        var pieces = ToolCallParser(format: .toolCallTags, allowsText: true)
        var events: [ToolCallParser.Event] = []
        for character in output { events += pieces.feed(String(character)) }
        events += pieces.finish()
        let text = events.compactMap { if case .text(let piece) = $0 { piece } else { nil } }.joined()
        #expect(text == "Let me check <that>.\n", "no markup leaks as text")
        #expect(pieces.calls.map(\.arguments) == whole.calls.map(\.arguments))
        #expect(pieces.finishReason(for: .stop) == .toolCalls)
    }

    @Test("under auto, text that could become a tag is held back, then released as text")
    func parserText() {
        var parser = ToolCallParser(format: .toolCallTags, allowsText: true)
        #expect(parser.feed("<tool") == [])
        #expect(parser.feed("box> is") == [.text("<toolbox> is")])
        #expect(parser.feed(" here") == [.text(" here")])
        #expect(parser.finish() == [])
        #expect(parser.text == "<toolbox> is here" && parser.calls.isEmpty)
        var short = ToolCallParser(format: .toolCallTags, allowsText: true)
        #expect(short.feed("<") == [])
        #expect(short.finish() == [.text("<")])
    }

    @Test("output cut short keeps the partial call; output that breaks the format comes back as text")
    func parserBroken() {
        var cut = ToolCallParser(format: .toolCallTags, allowsText: false)
        _ = cut.feed("<tool_call>\n{\"name\":\"get_weather\",\"arguments\":{\"ci")
        _ = cut.finish()
        #expect(cut.calls.map(\.arguments) == [#"{"ci"#])
        var broken = ToolCallParser(format: .toolCallTags, allowsText: true)
        _ = broken.feed("<tool_call>\n{\"nom\":1}")
        _ = broken.finish()
        #expect(broken.calls.isEmpty && broken.text == "<tool_call>\n{\"nom\":1}")
        var beforeName = ToolCallParser(format: .toolCallTags, allowsText: false)
        _ = beforeName.feed("<tool_call>\n{\"name\":\"get_")
        #expect(beforeName.finish() == [], "no markup becomes text")
        #expect(beforeName.endedInsideCall && beforeName.finishReason(for: .stop) == .stop)
        // A stop string inside the arguments leaves the call incomplete: the reason stays the engine's.
        #expect(cut.endedInsideCall && cut.finishReason(for: .stop) == .stop)
        var whole = ToolCallParser(format: .toolCallTags, allowsText: false)
        _ = whole.feed(ToolUseTests.twoCalls)
        _ = whole.finish()
        #expect(!whole.endedInsideCall && whole.finishReason(for: .stop) == .toolCalls)
        #expect(whole.finishReason(for: .length) == .length)
    }
}

/// Tool calling on the real default chat model: a grammar built from the tools, compiled by llguidance, holds the
/// decode engine's output to a call whose arguments follow the schema, and the parser reads it back.
@Suite(.serialized) struct ToolCallingEngineTests {
    @Test("required and named choices always give one parseable call with schema-valid arguments")
    func realCalls() async throws {
        let engine = try DecodeEngineTests.engine(rows: 4, rowLength: 1024, maxQueued: 8)
        defer { engine.shutdown() }
        let folder = DecoderModelTests.folder
        let tokenizer = try OrtxTokenizer(library: try OrtxLibrary.load(), directory: folder.path)
        let grammars = GrammarSource(tokenizer: tokenizer, vocabularySize: engine.model.config.vocabularySize,
                                     eosTokenIDs: engine.model.config.eosTokenIDs)
        let unit = ToolDefinition(
            name: "convert", description: "Convert a temperature",
            parameters: #"{"additionalProperties":false,"properties":{"unit":{"enum":["C","F"]},"value":{"type":"integer"}},"required":["unit","value"],"type":"object"}"#)
        let cases: [(ToolChoice, String)] = [
            (.required, "What is the weather in Oslo?"),
            (.function("convert"), "Convert 20 degrees to Fahrenheit."),
            (.required, "Tell me a joke."),
        ]
        for (choice, question) in cases {
            let tools = ToolUse(tools: [ToolUseTests.weather, unit], choice: choice, parallel: false)
            let messages = tools.render([PromptMessage(role: .user, content: question)])
            let json = try JSONSerialization.data(withJSONObject: messages.map {
                ["role": $0.role.rawValue, "content": $0.content]
            })
            let rendered = try tokenizer.applyChatTemplate(messagesJSON: String(decoding: json, as: UTF8.self),
                                                           addGenerationPrompt: true)
            let prompt = try tokenizer.encode(rendered)
            let grammar = try #require(tools.grammar())
            let constraint = try await grammars.constraint(for: grammar)
            var parameters = GenerationParameters(maxTokens: 120, temperature: 0.7, seed: 11)
            parameters.grammar = grammar
            let (stream, continuation) = AsyncThrowingStream<GenerationEvent, any Error>.makeStream()
            _ = try engine.submit(prompt: prompt, parameters: parameters, constraint: constraint,
                                  emit: { continuation.yield($0) }, stop: StopFlag()) { error in
                continuation.finish(throwing: error)
            }
            var tokens: [Int32] = []
            var finish: FinishReason?
            for try await event in stream {
                switch event {
                case .text(let text, _): tokens += text.split(separator: " ").compactMap { Int32($0) }
                case .finished(let reason, _): finish = reason
                }
            }
            #expect(finish == .stop, "\(question)")
            let text = try tokenizer.decode(tokens)
            var parser = ToolCallParser(format: .toolCallTags, allowsText: false)
            _ = parser.feed(text)
            _ = parser.finish()
            let call = try #require(parser.calls.first, "\(text)")
            #expect(parser.calls.count == 1 && parser.text.isEmpty, "\(text)")
            let arguments = try #require(
                try JSONSerialization.jsonObject(with: Data(call.arguments.utf8)) as? [String: Any], "\(text)")
            switch call.name {
            case "get_weather":
                #expect(arguments["city"] is String, "\(text)")
            case "convert":
                #expect(Set(arguments.keys) == ["unit", "value"], "\(text)")
                #expect(["C", "F"].contains(arguments["unit"] as? String ?? ""), "\(text)")
                #expect(arguments["value"] is Int, "\(text)")
            default:
                Issue.record("unknown function in \(text)")
            }
            if case .function(let name) = choice { #expect(call.name == name) }
        }
    }

    @Test("the auto grammar, compiled by llguidance on the model's vocabulary: text, text then calls, no bare tags")
    func autoGrammar() async throws {
        let folder = DecoderModelTests.folder
        let tokenizer = try OrtxTokenizer(library: try OrtxLibrary.load(), directory: folder.path)
        let grammars = GrammarSource(tokenizer: tokenizer, vocabularySize: 49152, eosTokenIDs: [2])
        let grammar = try #require(ToolUse(tools: [ToolUseTests.weather], choice: .auto).grammar())
        func accepts(_ text: String) async throws -> (consumed: Bool, accepting: Bool) {
            let constraint = try await grammars.constraint(for: grammar)
            for token in try tokenizer.encode(text) {
                do { try constraint.commit(token) } catch { return (false, false) }
            }
            return (true, constraint.isAccepting)
        }
        let call = "<tool_call>\n{\"name\":\"get_weather\",\"arguments\":{\"city\":\"Oslo\"}}\n</tool_call>"
        #expect(try await accepts("Plain text, no call.") == (true, true))
        #expect(try await accepts(call) == (true, true))
        #expect(try await accepts("Let me check.\n" + call) == (true, true))
        #expect(try await accepts("Let me check.\n" + call + "\n" + call) == (true, true))
        #expect(try await accepts("Let me check.\n<tool_call>\n{\"nom\":1}").consumed == false,
                "after a tag only a valid call may follow")
        #expect(try await accepts("A <tool_call> tag in text").accepting == false,
                "a tag inside text must be followed by a call")
    }

    @Test("Llama's bare-object grammar, compiled by llguidance: a call or text, never text that starts with a brace")
    func bareObjectGrammar() async throws {
        let folder = DecoderModelTests.folder
        let tokenizer = try OrtxTokenizer(library: try OrtxLibrary.load(), directory: folder.path)
        let grammars = GrammarSource(tokenizer: tokenizer, vocabularySize: 49152, eosTokenIDs: [2])
        let grammar = try #require(ToolUse(tools: [ToolUseTests.weather], choice: .auto, format: .jsonObject).grammar())
        func accepts(_ text: String) async throws -> (consumed: Bool, accepting: Bool) {
            let constraint = try await grammars.constraint(for: grammar)
            for token in try tokenizer.encode(text) {
                do { try constraint.commit(token) } catch { return (false, false) }
            }
            return (true, constraint.isAccepting)
        }
        let call = #"{"name":"get_weather","parameters":{"city":"Oslo"}}"#
        #expect(try await accepts("Plain text, no call.") == (true, true))
        #expect(try await accepts(call) == (true, true))
        #expect(try await accepts(call + call).consumed == false, "one call per turn")
        #expect(try await accepts("\n" + call).consumed == false, "no call hidden as text after whitespace")
        #expect(try await accepts("\n\nSure.") == (true, true))
        #expect(try await accepts(#"{"name":"get_weather","arguments":{}}"#).consumed == false)
    }
}
