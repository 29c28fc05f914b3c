import ONNXRuntime

/// What a chat model needs from its tokenizer: text to ids and back, the chat template, and an incremental decoder
/// that never splits a UTF-8 character. onnxruntime-extensions' tokenizer (`OrtxTokenizer`, no weights loaded)
/// serves the decode engine; onnxruntime-genai's serves the models only it can run.
public protocol ChatTokenizer: Sendable {
    func encode(_ text: String) throws -> [Int32]
    func decode(_ tokens: [Int32]) throws -> String
    func applyChatTemplate(messagesJSON: String, addGenerationPrompt: Bool) throws -> String
    /// A fresh incremental decoder for one generation: each call takes the next token and returns its new text.
    func makeTokenStream() throws -> @Sendable (Int32) throws -> String
}

extension OrtxTokenizer: ChatTokenizer {
    public func applyChatTemplate(messagesJSON: String, addGenerationPrompt: Bool) throws -> String {
        try applyChatTemplate(messagesJSON: messagesJSON, toolsJSON: nil, addGenerationPrompt: addGenerationPrompt)
    }

    public func makeTokenStream() throws -> @Sendable (Int32) throws -> String {
        let stream = UncheckedBox(try makeStream())
        return { token in try stream.value.decode(token) }
    }
}

extension GenAITokenizer: ChatTokenizer {
    public func makeTokenStream() throws -> @Sendable (Int32) throws -> String {
        let stream = UncheckedBox(try makeStream())
        return { token in try stream.value.decode(token) }
    }
}

/// Carries a value that is used by one thread at a time (a tokenizer stream, used by its generation on the engine
/// thread) across a `@Sendable` boundary.
final class UncheckedBox<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
