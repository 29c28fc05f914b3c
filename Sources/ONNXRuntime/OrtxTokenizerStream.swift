import CONNXRuntime
import Foundation

/// Decodes one generated sequence token by token (an onnxruntime-extensions detokenizer cache): each call returns
/// the new text, and the bytes of a character split across tokens are held back until it is complete, so pieces
/// never hold U+FFFD halves and their concatenation is the decoded text (special tokens left out).
///
/// Owned by one thread at a time (not `Sendable`). It keeps its tokenizer alive and shares its lock.
public final class OrtxTokenizerStream {
    public let tokenizer: OrtxTokenizer
    private let cache: OpaquePointer

    init(tokenizer: OrtxTokenizer) throws {
        let library = tokenizer.library
        var cache: OpaquePointer?
        try library.check(AIGWOrtxCreateDetokenizerCache(library.functions.create, &cache),
                          "cannot create a detokenizer cache")
        guard let cache else { throw OrtError(.extensions, "OrtxCreate returned no detokenizer cache") }
        self.tokenizer = tokenizer
        self.cache = cache
    }

    deinit {
        tokenizer.library.dispose(cache)
    }

    /// The text `token` completes: possibly empty (part of a character, a special token, an id outside the
    /// vocabulary), possibly several characters.
    public func decode(_ token: Int32) throws -> String {
        let library = tokenizer.library
        return try tokenizer.lock.withLock {
            var chunk: UnsafePointer<CChar>?
            try library.check(library.functions.detokenizeCached(tokenizer.handle, cache, UInt32(bitPattern: token),
                                                                 &chunk),
                              "cannot decode token \(token)")
            // The chunk belongs to the cache and lives until its next call: copy it, do not free it.
            return chunk.map { String(cString: $0) } ?? ""
        }
    }
}
