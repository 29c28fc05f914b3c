import CONNXRuntime
import Foundation

/// A model's own tokenizer (an `OgaTokenizer`, built from the folder's `tokenizer.json` and
/// `tokenizer_config.json`): text to tokens and back, and the model's chat template.
///
/// Thread-safe: every call into the library holds a lock (each takes microseconds, so callers on several
/// threads barely wait), including the calls of the streams it makes.
public final class GenAITokenizer: @unchecked Sendable {
    public let model: GenAIModel
    let handle: OpaquePointer
    let lock = NSLock()

    /// Builds the tokenizer of `model`; throws `OrtError(.genAI)` when the folder's tokenizer files are missing or
    /// unreadable.
    public init(model: GenAIModel) throws {
        var tokenizer: OpaquePointer?
        try model.runtime.check(model.runtime.functions.createTokenizer(model.handle, &tokenizer),
                                context: "cannot load the tokenizer of \(model.directory)")
        guard let tokenizer else {
            throw OrtError(.genAI, "OgaCreateTokenizer returned no tokenizer for \(model.directory)")
        }
        self.model = model
        self.handle = tokenizer
    }

    deinit {
        model.runtime.functions.destroyTokenizer(handle)
    }

    /// The token ids of `text`, special-token markup (e.g. `<|im_start|>`) included, no BOS/EOS added unless the
    /// tokenizer's own configuration adds them. A NUL character is refused (the C API takes C strings).
    public func encode(_ text: String) throws -> [Int32] {
        try Self.refuseNUL(text, what: "text to encode")
        let runtime = model.runtime
        let functions = runtime.functions
        var sequences: OpaquePointer?
        try runtime.check(functions.createSequences(&sequences))
        guard let sequences else { throw OrtError(.genAI, "OgaCreateSequences returned nothing") }
        defer { functions.destroySequences(sequences) }
        try lock.withLock {
            try runtime.check(functions.tokenizerEncode(handle, text, sequences), context: "cannot encode text")
        }
        guard functions.sequencesCount(sequences) > 0 else { return [] }
        let count = functions.sequencesGetSequenceCount(sequences, 0)
        guard count > 0, let data = functions.sequencesGetSequenceData(sequences, 0) else { return [] }
        return Array(UnsafeBufferPointer(start: data, count: count))
    }

    /// The text of `tokens`, special tokens left out. Ids outside the vocabulary decode to U+FFFD; so does an
    /// incomplete UTF-8 sequence at the end (use a `GenAITokenizerStream` to decode token by token).
    public func decode(_ tokens: [Int32]) throws -> String {
        guard !tokens.isEmpty else { return "" }
        let runtime = model.runtime
        var text: UnsafePointer<CChar>?
        try lock.withLock {
            try tokens.withUnsafeBufferPointer { buffer in
                try runtime.check(runtime.functions.tokenizerDecode(handle, buffer.baseAddress, buffer.count, &text),
                                  context: "cannot decode tokens")
            }
        }
        return runtime.takeString(text)
    }

    /// Renders the model's own chat template (onnxruntime-genai's `template_str` nil) on OpenAI-style messages
    /// JSON (`[{"role":"user","content":"hi"}]`), exactly as Hugging Face's `apply_chat_template` does: whatever
    /// the template does (e.g. add a default system prompt) happens here too.
    ///
    /// Throws `OrtError(.genAI)` saying so when the model has no chat template, and with the template engine's
    /// message when the JSON or the messages do not fit the template.
    public func applyChatTemplate(messagesJSON: String, addGenerationPrompt: Bool) throws -> String {
        try Self.refuseNUL(messagesJSON, what: "messages JSON")
        let runtime = model.runtime
        var text: UnsafePointer<CChar>?
        do {
            try lock.withLock {
                try runtime.check(runtime.functions.tokenizerApplyChatTemplate(
                    handle, nil, messagesJSON, nil, addGenerationPrompt, &text))
            }
        } catch let error as OrtError {
            if error.message.lowercased().contains("empty chat template") {
                throw OrtError(.genAI, "the model in \(model.directory) has no chat template (its "
                               + "tokenizer_config.json has no chat_template), so chat messages cannot be rendered "
                               + "for it; use a chat model or add the template (onnxruntime-genai: \(error.message))")
            }
            throw OrtError(.genAI, "cannot apply the chat template of \(model.directory): \(error.message)")
        }
        return runtime.takeString(text)
    }

    /// A new incremental decoder for one generated sequence.
    public func makeStream() throws -> GenAITokenizerStream {
        try GenAITokenizerStream(tokenizer: self)
    }

    private static func refuseNUL(_ text: String, what: String) throws {
        if text.utf8.contains(0) {
            throw OrtError(.invalidArgument, "the \(what) contains a NUL character, which onnxruntime-genai cannot take")
        }
    }
}
