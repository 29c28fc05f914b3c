import CONNXRuntime
import Foundation

/// Decodes one generated sequence token by token (an `OgaTokenizerStream`): each call returns the new text, and
/// bytes of a character split across tokens are held back until it is complete, so pieces never hold U+FFFD
/// halves and their concatenation is the decoded text.
///
/// Owned by one thread at a time (not `Sendable`). It keeps its tokenizer alive and shares its lock.
public final class GenAITokenizerStream {
    public let tokenizer: GenAITokenizer
    private let handle: OpaquePointer

    init(tokenizer: GenAITokenizer) throws {
        let runtime = tokenizer.model.runtime
        var stream: OpaquePointer?
        try tokenizer.lock.withLock {
            try runtime.check(runtime.functions.createTokenizerStream(tokenizer.handle, &stream),
                              context: "cannot create a tokenizer stream")
        }
        guard let stream else { throw OrtError(.genAI, "OgaCreateTokenizerStream returned no stream") }
        self.tokenizer = tokenizer
        self.handle = stream
    }

    deinit {
        tokenizer.model.runtime.functions.destroyTokenizerStream(handle)
    }

    /// The text `token` completes: possibly empty (a partial character, or a special token), possibly several
    /// characters.
    public func decode(_ token: Int32) throws -> String {
        let runtime = tokenizer.model.runtime
        return try tokenizer.lock.withLock {
            var chunk: UnsafePointer<CChar>?
            try runtime.check(runtime.functions.tokenizerStreamDecode(handle, token, &chunk),
                              context: "cannot decode token \(token)")
            // The chunk belongs to the stream and lives until its next call: copy it, do not free it.
            return chunk.map { String(cString: $0) } ?? ""
        }
    }
}
