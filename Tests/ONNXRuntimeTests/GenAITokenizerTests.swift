import Foundation
import Testing
@testable import ONNXRuntime

@Suite("GenAI tokenizer and chat template against onnxruntime-genai's Python API")
struct GenAITokenizerTests {
    static let defaultSystemPrompt = "<|im_start|>system\nYou are a helpful AI assistant named SmolLM, trained by "
        + "Hugging Face<|im_end|>\n"

    @Test("the fixture holds the five reference chats")
    func fixture() throws {
        let reference = try GenAITestSupport.reference()
        #expect(reference.chats.count == 5)
        #expect(reference.newTokens == 32)
    }

    @Test("rendered template and prompt ids equal Python's", arguments: GenAIReference.chatsForArguments)
    func template(chat: GenAIReference.Chat) throws {
        let tokenizer = try GenAITestSupport.tokenizer()
        let rendered = try tokenizer.applyChatTemplate(messagesJSON: chat.messagesJSON, addGenerationPrompt: true)
        #expect(rendered == chat.rendered)
        #expect(try tokenizer.encode(rendered) == chat.promptIDs)
    }

    @Test("SmolLM2's template injects its default system prompt unless a system message is given")
    func defaultSystemPrompt() throws {
        let tokenizer = try GenAITestSupport.tokenizer()
        let user = try tokenizer.applyChatTemplate(messagesJSON: #"[{"role":"user","content":"hi"}]"#,
                                                   addGenerationPrompt: true)
        #expect(user == Self.defaultSystemPrompt + "<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n")
        let withSystem = try tokenizer.applyChatTemplate(
            messagesJSON: #"[{"role":"system","content":"Be brief."},{"role":"user","content":"hi"}]"#,
            addGenerationPrompt: false)
        #expect(withSystem == "<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nhi<|im_end|>\n")
    }

    @Test("JSON escaping does not matter: Foundation's escaped JSON renders like Python's")
    func escapedJSON() throws {
        let tokenizer = try GenAITestSupport.tokenizer()
        let chat = try #require(try GenAITestSupport.reference().chats.first { $0.name == "non-ASCII" })
        let messages = try JSONSerialization.jsonObject(with: Data(chat.messagesJSON.utf8))
        let escaped = String(decoding: try JSONSerialization.data(withJSONObject: messages), as: UTF8.self)
        #expect(escaped != chat.messagesJSON)
        #expect(try tokenizer.applyChatTemplate(messagesJSON: escaped, addGenerationPrompt: true) == chat.rendered)
    }

    @Test("encode and decode round trips equal Python's")
    func roundTrips() throws {
        let tokenizer = try GenAITestSupport.tokenizer()
        let trips = try GenAITestSupport.reference().roundTrips
        #expect(trips.count == 5)
        for trip in trips {
            #expect(try tokenizer.encode(trip.text) == trip.ids, "encode \(trip.text.debugDescription)")
            #expect(try tokenizer.decode(trip.ids) == trip.decoded, "decode \(trip.text.debugDescription)")
        }
    }

    @Test("decoding one token of a split character gives U+FFFD; out-of-vocabulary ids do not crash")
    func decodeEdges() throws {
        let tokenizer = try GenAITestSupport.tokenizer()
        let emoji = try tokenizer.encode("😀")
        #expect(emoji.count > 1)
        #expect(try tokenizer.decode([emoji[0]]) == "\u{FFFD}")
        #expect(try tokenizer.decode(emoji) == "😀")
        #expect(try tokenizer.decode([99_999]) == "\u{FFFD}")
        #expect(try tokenizer.decode([]) == "")
    }

    @Test("encoding from eight threads at once gives the serial results")
    func concurrentEncode() async throws {
        let tokenizer = try GenAITestSupport.tokenizer()
        let texts = try GenAITestSupport.reference().chats.map(\.rendered)
        let serial = try texts.map { try tokenizer.encode($0) }
        try await withThrowingTaskGroup(of: Bool.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    for _ in 0..<20 {
                        guard try texts.map({ try tokenizer.encode($0) }) == serial else { return false }
                    }
                    return true
                }
            }
            for try await same in group { #expect(same) }
        }
    }

    @Test("a model without a chat template gets a clear error from applyChatTemplate")
    func noTemplate() throws {
        var config = try GenAITestSupport.modelJSON("tokenizer_config.json")
        config.removeValue(forKey: "chat_template")
        let copy = try GenAITestSupport.modelCopy(
            replacing: ["tokenizer_config.json": try GenAITestSupport.json(config)])
        defer { try? FileManager.default.removeItem(at: copy) }
        let model = try GenAIModel(runtime: try GenAITestSupport.runtime(), directory: copy.path)
        let tokenizer = try GenAITokenizer(model: model)
        #expect(try tokenizer.encode("Hello, world!") == [19556, 28, 905, 17])
        let error = #expect(throws: OrtError.self) {
            try tokenizer.applyChatTemplate(messagesJSON: #"[{"role":"user","content":"hi"}]"#,
                                            addGenerationPrompt: true)
        }
        #expect(error?.kind == .genAI)
        #expect(error?.message.contains("has no chat template") == true)
        #expect(error?.message.contains(copy.path) == true)
    }

    @Test("messages that are not JSON fail with the parser's message")
    func badMessages() throws {
        let error = #expect(throws: OrtError.self) {
            try GenAITestSupport.tokenizer().applyChatTemplate(messagesJSON: "not json", addGenerationPrompt: true)
        }
        #expect(error?.kind == .genAI)
        #expect(error?.message.contains("parse error") == true)
    }

    @Test("a folder without tokenizer.json loads its model but the tokenizer fails cleanly")
    func missingTokenizer() throws {
        let copy = try GenAITestSupport.modelCopy(omitting: ["tokenizer.json"])
        defer { try? FileManager.default.removeItem(at: copy) }
        let model = try GenAIModel(runtime: try GenAITestSupport.runtime(), directory: copy.path)
        let error = #expect(throws: OrtError.self) { try GenAITokenizer(model: model) }
        #expect(error?.kind == .genAI)
        #expect(error?.message.contains("tokenizer.json") == true)
    }

    @Test("a NUL character is refused before reaching the C API")
    func nul() throws {
        let tokenizer = try GenAITestSupport.tokenizer()
        let error = #expect(throws: OrtError.self) { try tokenizer.encode("a\u{0}b") }
        #expect(error?.kind == .invalidArgument)
    }
}
