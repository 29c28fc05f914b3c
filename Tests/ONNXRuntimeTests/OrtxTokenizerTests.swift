import Foundation
import Testing
@testable import ONNXRuntime

/// The real onnxruntime-extensions library and the real SmolLM2 folder `scripts/setup` prepares, against Hugging
/// Face's outputs (`Fixtures/ortx_reference.json`, written by `tools/make_ortx_fixtures.py`). Missing pieces fail the
/// tests (they never skip).
enum OrtxTestSupport {
    static let library = TestPaths.root.appendingPathComponent(".runtime/lib/libortextensions.so").path
    static let python = TestPaths.root.appendingPathComponent(".runtime/lib/libpython.so").path
    static let modelDirectory = TestPaths.root.appendingPathComponent("models/smollm2-135m-instruct").path

    static func load() throws -> OrtxLibrary {
        for path in [library, python] where !FileManager.default.fileExists(atPath: path) {
            Issue.record("\(path) is missing: run scripts/setup first")
            throw OrtError(.libraryUnavailable, "missing \(path)")
        }
        return try OrtxLibrary.load(path: library, pythonPath: python)
    }

    /// One tokenizer shared by the tests, read on first use.
    static func tokenizer() throws -> OrtxTokenizer {
        try shared.tokenizer()
    }

    static func reference() throws -> OrtxReference {
        let url = TestPaths.fixtures.appendingPathComponent("ortx_reference.json")
        return try JSONDecoder().decode(OrtxReference.self, from: Data(contentsOf: url))
    }

    private static let shared = Shared()

    private final class Shared: @unchecked Sendable {
        private let lock = NSLock()
        private var loaded: OrtxTokenizer?

        func tokenizer() throws -> OrtxTokenizer {
            try lock.withLock {
                if let loaded { return loaded }
                guard FileManager.default.fileExists(atPath: OrtxTestSupport.modelDirectory + "/tokenizer.json") else {
                    Issue.record("\(OrtxTestSupport.modelDirectory) is missing: run scripts/setup first")
                    throw OrtError(.extensions, "missing model")
                }
                let tokenizer = try OrtxTokenizer(library: try OrtxTestSupport.load(),
                                                  directory: OrtxTestSupport.modelDirectory)
                loaded = tokenizer
                return tokenizer
            }
        }
    }
}

/// `Fixtures/ortx_reference.json`.
struct OrtxReference: Decodable {
    struct Text: Decodable, CustomTestStringConvertible {
        let name: String
        let text: String
        let ids: [Int32]
        let decoded: String

        var testDescription: String { name }
    }

    struct Chat: Decodable, CustomTestStringConvertible {
        let name: String
        let messagesJSON: String
        let toolsJSON: String?
        let addGenerationPrompt: Bool
        let rendered: String

        enum CodingKeys: String, CodingKey {
            case name, rendered
            case messagesJSON = "messages_json"
            case toolsJSON = "tools_json"
            case addGenerationPrompt = "add_generation_prompt"
        }

        var testDescription: String { name }
    }

    let encode: [Text]
    let chats: [Chat]
    let eosTokenID: Int32
    let specialTokenIDs: [String: Int32]

    enum CodingKeys: String, CodingKey {
        case encode, chats
        case eosTokenID = "eos_token_id"
        case specialTokenIDs = "special_token_ids"
    }

    static var textsForArguments: [Text] { (try? OrtxTestSupport.reference().encode) ?? [] }
    static var chatsForArguments: [Chat] { (try? OrtxTestSupport.reference().chats) ?? [] }
}

@Suite("onnxruntime-extensions tokenizer against Hugging Face")
struct OrtxTokenizerTests {
    @Test("the fixture covers the texts and chats the tests expect")
    func fixture() throws {
        let reference = try OrtxTestSupport.reference()
        let names = Set(reference.encode.map(\.name))
        for name in ["ascii", "accents", "cjk", "emoji", "digits", "whitespace runs", "special token alone", "empty",
                     "long prose"] {
            #expect(names.contains(name), "missing \(name)")
        }
        #expect(reference.encode.first { $0.name == "long prose" }.map { $0.ids.count >= 1_000 } == true)
        #expect(reference.chats.contains { $0.name == "system, user, assistant" && $0.addGenerationPrompt })
    }

    @Test("encode gives Hugging Face's ids and decode its text", arguments: OrtxReference.textsForArguments)
    func encodeDecode(text: OrtxReference.Text) throws {
        let tokenizer = try OrtxTestSupport.tokenizer()
        #expect(try tokenizer.encode(text.text) == text.ids)
        #expect(try tokenizer.decode(text.ids) == text.decoded)
    }

    @Test("streaming decode, token by token, joins to the full decode and never holds U+FFFD",
          arguments: OrtxReference.textsForArguments)
    func stream(text: OrtxReference.Text) throws {
        let tokenizer = try OrtxTestSupport.tokenizer()
        let stream = try tokenizer.makeStream()
        let pieces = try text.ids.map { try stream.decode($0) }
        #expect(pieces.joined() == text.decoded)
        #expect(!pieces.contains { $0.unicodeScalars.contains("\u{FFFD}") })
    }

    @Test("an emoji split over byte tokens is held back until complete")
    func emojiSplitOverTokens() throws {
        let tokenizer = try OrtxTestSupport.tokenizer()
        let ids = try tokenizer.encode("🦜")
        #expect(ids.count > 1)
        #expect(try tokenizer.decode([ids[0]]) == "\u{FFFD}")
        let stream = try tokenizer.makeStream()
        let pieces = try ids.map { try stream.decode($0) }
        #expect(pieces.dropLast().allSatisfy { $0.isEmpty })
        #expect(pieces.last == "🦜")
    }

    @Test("invalid UTF-8: at the end or alone it is U+FFFD as in Hugging Face; inside, the library drops the rest")
    func invalidUTF8() throws {
        let tokenizer = try OrtxTestSupport.tokenizer()
        let parrot = try tokenizer.encode("🦜")
        let a = try tokenizer.encode("a")
        #expect(try tokenizer.decode([parrot[0]]) == "\u{FFFD}")
        #expect(try tokenizer.decode(a + [parrot[0]]) == "a\u{FFFD}")
        #expect(try tokenizer.decode([2, parrot[0]]) == "\u{FFFD}")
        // Hugging Face gives "a\u{FFFD}a" and "\u{FFFD}a": the one known difference (onnxruntime-extensions 0.15.2).
        #expect(try tokenizer.decode(a + [parrot[0]] + a) == "a\u{FFFD}")
        #expect(try tokenizer.decode([parrot[0]] + a) == "\u{FFFD}")
    }

    @Test("a fresh stream per sequence: a second stream starts clean")
    func independentStreams() throws {
        let tokenizer = try OrtxTestSupport.tokenizer()
        let ids = try tokenizer.encode("😀")
        let first = try tokenizer.makeStream()
        _ = try first.decode(ids[0])
        let second = try tokenizer.makeStream()
        #expect(try ids.map { try second.decode($0) }.joined() == "😀")
        #expect(try ids.dropFirst().map { try first.decode($0) }.joined() == "😀")
    }

    @Test("the chat template renders as Hugging Face's apply_chat_template", arguments: OrtxReference.chatsForArguments)
    func chatTemplate(chat: OrtxReference.Chat) throws {
        let tokenizer = try OrtxTestSupport.tokenizer()
        let rendered = try tokenizer.applyChatTemplate(messagesJSON: chat.messagesJSON, toolsJSON: chat.toolsJSON,
                                                       addGenerationPrompt: chat.addGenerationPrompt)
        #expect(rendered == chat.rendered)
    }

    @Test("ids and templates equal onnxruntime-genai's (Fixtures/genai_reference.json)")
    func sameAsGenAI() throws {
        let tokenizer = try OrtxTestSupport.tokenizer()
        let genAI = try GenAITestSupport.reference()
        for trip in genAI.roundTrips {
            #expect(try tokenizer.encode(trip.text) == trip.ids, "encode \(trip.text.debugDescription)")
            #expect(try tokenizer.decode(trip.ids) == trip.decoded, "decode \(trip.text.debugDescription)")
        }
        for chat in genAI.chats {
            let rendered = try tokenizer.applyChatTemplate(messagesJSON: chat.messagesJSON, toolsJSON: nil,
                                                           addGenerationPrompt: true)
            #expect(rendered == chat.rendered, "\(chat.name)")
            #expect(try tokenizer.encode(rendered) == chat.promptIDs, "\(chat.name)")
        }
    }

    @Test("special tokens: their ids, the configured eos, and text that is not one token")
    func specialTokens() throws {
        let tokenizer = try OrtxTestSupport.tokenizer()
        let reference = try OrtxTestSupport.reference()
        #expect(tokenizer.eosTokenID == reference.eosTokenID)
        for (token, id) in reference.specialTokenIDs {
            #expect(try tokenizer.tokenID(for: token) == id, "\(token)")
        }
        #expect(try tokenizer.tokenID(for: "<|im_end|>xyz") == nil)
        #expect(try tokenizer.tokenID(for: "") == nil)
        #expect(try tokenizer.tokenID(for: "Hello, world") == nil)
    }

    @Test("ids outside the vocabulary and negative ids are left out, as Hugging Face does, without crashing")
    func outOfVocabulary() throws {
        let tokenizer = try OrtxTestSupport.tokenizer()
        #expect(try tokenizer.decode([99_999]) == "")
        #expect(try tokenizer.decode([-1]) == "")
        #expect(try tokenizer.decode([81, 99_999, 2, 81]) == "aa")
        #expect(try tokenizer.decode([]) == "")
        let stream = try tokenizer.makeStream()
        #expect(try stream.decode(99_999) == "")
        #expect(try stream.decode(-1) == "")
    }

    @Test("encoding from eight threads at once gives the serial results")
    func concurrentEncode() async throws {
        let tokenizer = try OrtxTestSupport.tokenizer()
        let texts = try OrtxTestSupport.reference().encode
        try await withThrowingTaskGroup(of: Bool.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    for _ in 0..<10 {
                        for text in texts where try tokenizer.encode(text.text) != text.ids { return false }
                        let stream = try tokenizer.makeStream()
                        let emoji = try tokenizer.encode("👩‍👩‍👧‍👦")
                        guard try emoji.map({ try stream.decode($0) }).joined() == "👩‍👩‍👧‍👦" else { return false }
                    }
                    return true
                }
            }
            for try await same in group { #expect(same) }
        }
    }

    @Test("encoding about 1,000 tokens takes milliseconds")
    func encodeTiming() throws {
        let tokenizer = try OrtxTestSupport.tokenizer()
        let long = try #require(try OrtxTestSupport.reference().encode.first { $0.name == "long prose" })
        let clock = ContinuousClock()
        let runs = 20
        let elapsed = try clock.measure {
            for _ in 0..<runs { _ = try tokenizer.encode(long.text) }
        }
        let each = elapsed / runs
        print("OrtxTokenizer.encode: \(long.ids.count) tokens in \(each)")
        #expect(each < .milliseconds(50))
    }

    @Test("a NUL character is refused, not truncated")
    func nul() throws {
        let tokenizer = try OrtxTestSupport.tokenizer()
        let error = #expect(throws: OrtError.self) { try tokenizer.encode("a\u{0}b") }
        #expect(error?.kind == .invalidArgument)
    }
}

@Suite("onnxruntime-extensions: errors are thrown, never a crash")
struct OrtxErrorTests {
    @Test("a missing extensions library gives one clear line: what, where, how to fix")
    func missingLibrary() {
        let error = #expect(throws: OrtError.self) {
            try OrtxLibrary.load(path: "/nonexistent/libortextensions.so", pythonPath: OrtxTestSupport.python)
        }
        #expect(error?.kind == .libraryUnavailable)
        let message = error?.message ?? ""
        #expect(message.contains("/nonexistent/libortextensions.so"))
        #expect(message.contains("scripts/setup"))
        #expect(message.contains("AIGW_ORTX_LIBRARY"))
        #expect(!message.contains("\n"))
    }

    @Test("a missing Python library names AIGW_PYTHON_LIBRARY")
    func missingPython() {
        let error = #expect(throws: OrtError.self) {
            try OrtxLibrary.load(path: OrtxTestSupport.library, pythonPath: "/nonexistent/libpython3.11.so.1.0")
        }
        #expect(error?.kind == .libraryUnavailable)
        #expect(error?.message.contains("AIGW_PYTHON_LIBRARY") == true)
        #expect(error?.message.contains("/nonexistent/libpython3.11.so.1.0") == true)
    }

    @Test("a file that is not a shared library, and a library that is not onnxruntime-extensions, are refused")
    func wrongLibrary() {
        let notLibrary = TestPaths.fixtures.appendingPathComponent("ortx_reference.json").path
        let error = #expect(throws: OrtError.self) {
            try OrtxLibrary.load(path: notLibrary, pythonPath: OrtxTestSupport.python)
        }
        #expect(error?.message.contains("cannot load onnxruntime-extensions from") == true)
        let wrong = #expect(throws: OrtError.self) {
            try OrtxLibrary.load(path: TestPaths.genAILibrary, pythonPath: OrtxTestSupport.python)
        }
        #expect(wrong?.message.contains("lacks Ortx") == true)
    }

    @Test("the environment variable is used when no path is given, and the default is .runtime/lib")
    func locate() throws {
        let fromEnvironment = try OrtxLibrary.locate(explicit: nil, variable: "X", fileName: "libortextensions.so",
                                                     displayName: "it", environment: ["X": OrtxTestSupport.library])
        #expect(fromEnvironment == OrtxTestSupport.library)
        let error = #expect(throws: OrtError.self) {
            try OrtxLibrary.locate(explicit: nil, variable: "X", fileName: "libortextensions.so", displayName: "it",
                                   environment: ["X": "/nonexistent/lib.so"])
        }
        #expect(error?.message.contains("set by X") == true)
        let byDefault = try OrtxLibrary.locate(explicit: nil, variable: "X", fileName: "libortextensions.so",
                                               displayName: "it", environment: [:])
        #expect(byDefault.hasSuffix(".runtime/lib/libortextensions.so"))
        #expect(OrtxLibrary.pythonPackage(for: OrtxTestSupport.library) == "libpython3.11")
    }

    @Test("the library reports the wheel's version")
    func version() throws {
        #expect(try OrtxTestSupport.load().version?.hasPrefix("0.15") == true)
    }

    @Test("a folder without a tokenizer, and no folder at all, give a thrown error naming the folder")
    func missingTokenizer() throws {
        let library = try OrtxTestSupport.load()
        let empty = FileManager.default.temporaryDirectory.appendingPathComponent("ortx-empty-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: empty) }
        let error = #expect(throws: OrtError.self) { try OrtxTokenizer(library: library, directory: empty.path) }
        #expect(error?.kind == .extensions)
        #expect(error?.message.contains("cannot load the tokenizer in \(empty.path)") == true)
        #expect(error?.message.contains("tokenizer_config.json") == true)
        let none = #expect(throws: OrtError.self) {
            try OrtxTokenizer(library: library, directory: "/nonexistent-model-folder")
        }
        #expect(none?.message.contains("/nonexistent-model-folder") == true)
    }

    /// A temporary model folder: the real tokenizer.json, and tokenizer_config.json with `chat_template` replaced
    /// (nil: removed). Removed by the caller.
    static func folder(chatTemplate: String?) throws -> URL {
        let source = URL(fileURLWithPath: OrtxTestSupport.modelDirectory)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ortx-model-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(at: folder.appendingPathComponent("tokenizer.json"),
                                                   withDestinationURL: source.appendingPathComponent("tokenizer.json"))
        let configURL = source.appendingPathComponent("tokenizer_config.json")
        let data = try Data(contentsOf: configURL)
        var config = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        config["chat_template"] = chatTemplate
        try JSONSerialization.data(withJSONObject: config)
            .write(to: folder.appendingPathComponent("tokenizer_config.json"))
        return folder
    }

    @Test("a model without a chat template says so")
    func noChatTemplate() throws {
        let folder = try Self.folder(chatTemplate: nil)
        defer { try? FileManager.default.removeItem(at: folder) }
        let tokenizer = try OrtxTokenizer(library: try OrtxTestSupport.load(), directory: folder.path)
        #expect(try tokenizer.encode("Hello, world!") == [19556, 28, 905, 17])
        let error = #expect(throws: OrtError.self) {
            try tokenizer.applyChatTemplate(messagesJSON: #"[{"role":"user","content":"hi"}]"#, toolsJSON: nil,
                                            addGenerationPrompt: true)
        }
        #expect(error?.kind == .extensions)
        #expect(error?.message.contains("has no chat template") == true)
    }

    @Test("a template that raises an exception gives a thrown error with its message")
    func templateError() throws {
        let template = "{% if messages[0]['role'] != 'system' %}{{ raise_exception('Conversations must start with "
            + "a system message') }}{% endif %}{{ messages[0]['content'] }}"
        let folder = try Self.folder(chatTemplate: template)
        defer { try? FileManager.default.removeItem(at: folder) }
        let tokenizer = try OrtxTokenizer(library: try OrtxTestSupport.load(), directory: folder.path)
        #expect(try tokenizer.applyChatTemplate(messagesJSON: #"[{"role":"system","content":"ok"}]"#, toolsJSON: nil,
                                                addGenerationPrompt: true) == "ok")
        let error = #expect(throws: OrtError.self) {
            try tokenizer.applyChatTemplate(messagesJSON: #"[{"role":"user","content":"hi"}]"#, toolsJSON: nil,
                                            addGenerationPrompt: true)
        }
        #expect(error?.kind == .extensions)
        #expect(error?.message.contains("Conversations must start with a system message") == true)
    }

    @Test("tools reach the template flattened by the library, unlike Hugging Face (a known difference)")
    func toolsAreFlattened() throws {
        let folder = try Self.folder(chatTemplate: "{% for tool in tools %}{{ tool | tojson }}{% endfor %}")
        defer { try? FileManager.default.removeItem(at: folder) }
        let tokenizer = try OrtxTokenizer(library: try OrtxTestSupport.load(), directory: folder.path)
        let tools = #"[{"type":"function","function":{"name":"get_weather","description":"Current weather","#
            + #""parameters":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}}]"#
        let rendered = try tokenizer.applyChatTemplate(messagesJSON: #"[{"role":"user","content":"hi"}]"#,
                                                       toolsJSON: tools, addGenerationPrompt: true)
        // Hugging Face renders the definition as given: {"type": "function", "function": {...}}.
        #expect(rendered == #"{"name": "get_weather", "description": "Current weather", "parameters": "#
                + #"{"city": {"type": "str"}}}"#)
    }

    /// JSON that onnxruntime-extensions 0.15.2 answers by ending the process (an uncaught C++ exception), checked
    /// once by hand; each must be a thrown error here.
    @Test("JSON the library would crash on is refused with a thrown error", arguments: [
        "not json", "", "[", #"[{"role":"user","content":"hi"},]"#, #"[{"role":"user","content":NaN}]"#,
        #"[{"role":"user","content":1e400}]"#, "[{\"role\":\"user\",\"content\":\"a\u{1}\"}]",
        #"[{"role":"user","content":"\ud800"}]"#, #"[{"role":"user","content":"hi","tools":5}]"#,
        #"[{"role":"user","content":"hi","tools":"[oops"}]"#, #"{"role":"user"}"#, #"[1]"#, #"[{"content":"hi"}]"#,
        #"[{"role":"user","content":"hi"}] x"#,
    ])
    func badMessages(json: String) throws {
        let tokenizer = try OrtxTestSupport.tokenizer()
        let error = #expect(throws: OrtError.self) {
            try tokenizer.applyChatTemplate(messagesJSON: json, toolsJSON: nil, addGenerationPrompt: true)
        }
        #expect(error?.kind == .invalidArgument)
    }

    @Test("tools JSON the library would crash on is refused", arguments: [
        "{", #"{"type":"function"}"#, #"[{"type":"function","function":5}]"#,
        #"[{"type":"function","function":{"name":5}}]"#, #"[{"type":"tool","description":null}]"#,
        #"[{"type":"function","function":{"name":"f","parameters":{"properties":[]}}}]"#,
    ])
    func badTools(json: String) throws {
        let tokenizer = try OrtxTestSupport.tokenizer()
        let error = #expect(throws: OrtError.self) {
            try tokenizer.applyChatTemplate(messagesJSON: #"[{"role":"user","content":"hi"}]"#, toolsJSON: json,
                                            addGenerationPrompt: true)
        }
        #expect(error?.kind == .invalidArgument)
    }

    @Test("strict JSON the library takes is passed through: escapes, surrogate pairs, tiny numbers, empty tools")
    func goodJSON() throws {
        let tokenizer = try OrtxTestSupport.tokenizer()
        let rendered = try tokenizer.applyChatTemplate(
            messagesJSON: #"[{"role":"user","content":"caf\u00e9 \ud83e\udd9c \"q\" \/ \t","n":-0.5e-400}]"#,
            toolsJSON: "", addGenerationPrompt: false)
        #expect(rendered.hasSuffix("<|im_start|>user\ncafé 🦜 \"q\" / \t<|im_end|>\n"))
        let withTools = try tokenizer.applyChatTemplate(
            messagesJSON: #"[{"role":"system","content":"s","tools":"[]"}]"#, toolsJSON: "[]",
            addGenerationPrompt: false)
        #expect(withTools == "<|im_start|>system\ns<|im_end|>\n")
    }
}
