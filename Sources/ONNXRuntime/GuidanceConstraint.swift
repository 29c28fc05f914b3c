import CONNXRuntime
import Foundation

/// One generation's grammar state (an llguidance matcher): the mask of tokens allowed next, advanced with each
/// sampled token, until the grammar is complete and only EOS is allowed.
///
/// Meant for one generation row, driven by one thread at a time: calls are serialised by a lock, so handing it from
/// thread to thread is safe, but the order of `allowedTokens()` and `commit(_:)` is the caller's. Calls block
/// (a mask takes well under a millisecond for a 50k vocabulary): run them on the engine's own threads.
public final class GuidanceConstraint: @unchecked Sendable {
    public let tokenizer: GuidanceTokenizer
    public let grammar: GuidanceGrammar
    private let handle: OpaquePointer
    private let maskByteCount: Int
    private let lock = NSLock()
    /// The mask of the current state, once computed: `commit` checks a token against it without touching the
    /// matcher, which a disallowed token would put in its error state for good.
    private var currentMask: GuidanceMask?

    /// Compiles `grammar` for `tokenizer`'s vocabulary. Throws `GuidanceError(.invalidGrammar)` with llguidance's
    /// message when the grammar is malformed, unsupported or too large (the client's fault).
    public init(tokenizer: GuidanceTokenizer, grammar: GuidanceGrammar) throws {
        let (type, data) = grammar.tagged
        guard !data.utf8.contains(0) else {
            throw GuidanceError(.invalidGrammar, "the \(grammar.kindName) contains a NUL character")
        }
        let functions = tokenizer.library.functions
        var init_ = AIGWLlgConstraintInit()
        functions.constraintInitSetDefaults(&init_, tokenizer.handle)
        // Nothing on stderr, no log kept; errors come back as messages.
        init_.log_stderr_level = 0
        init_.log_buffer_level = 0
        init_.limits.verbose_errors = false
        guard let matcher = functions.newMatcher(&init_, type, data) else {
            throw GuidanceError(.matcherFailed, "llguidance returned no matcher for the \(grammar.kindName)")
        }
        if let error = Self.error(of: matcher, functions: functions) {
            functions.freeMatcher(matcher)
            throw GuidanceError(.invalidGrammar, "invalid \(grammar.kindName): \(error)")
        }
        self.tokenizer = tokenizer
        self.grammar = grammar
        self.handle = matcher
        self.maskByteCount = functions.matcherGetMaskByteSize(matcher)
    }

    private init(copying other: GuidanceConstraint, handle: OpaquePointer, mask: GuidanceMask?) {
        self.tokenizer = other.tokenizer
        self.grammar = other.grammar
        self.handle = handle
        self.maskByteCount = other.maskByteCount
        self.currentMask = mask
    }

    deinit {
        tokenizer.library.functions.freeMatcher(handle)
    }

    /// The tokens allowed next. Once the grammar is complete (`isStopped`), only the EOS tokens. Throws
    /// `GuidanceError(.matcherFailed)` when the matcher has failed.
    public func allowedTokens() throws -> GuidanceMask {
        try lock.withLock {
            if let currentMask { return currentMask }
            let functions = tokenizer.library.functions
            var words = [UInt32](repeating: 0, count: (maskByteCount + 3) / 4)
            let code = words.withUnsafeMutableBufferPointer { buffer -> Int32 in
                guard let base = buffer.baseAddress else { return -1 }
                return functions.matcherComputeMaskInto(handle, base, maskByteCount)
            }
            guard code == 0 else { throw failure("cannot compute the allowed tokens") }
            let mask = GuidanceMask(vocabularySize: tokenizer.vocabularySize, words: words)
            currentMask = mask
            return mask
        }
    }

    /// Advances the grammar by the sampled `token`. A token the grammar does not allow here throws
    /// `GuidanceError(.tokenRejected)` and leaves the state as it was (when the mask of this state was computed;
    /// otherwise llguidance refuses it and the matcher stays failed). An EOS token once `isStopped` changes nothing.
    public func commit(_ token: Int32) throws {
        try lock.withLock {
            guard token >= 0, Int(token) < tokenizer.vocabularySize else {
                throw GuidanceError(.tokenRejected,
                                    "token \(token) is outside the vocabulary (\(tokenizer.vocabularySize))")
            }
            let functions = tokenizer.library.functions
            // As llguidance's Python binding does: EOS sampled once the grammar is complete is no step.
            if tokenizer.eosTokenIDs.contains(token), functions.matcherIsStopped(handle),
               !functions.matcherIsError(handle) {
                return
            }
            if let currentMask, !currentMask.isAllowed(token) {
                throw GuidanceError(.tokenRejected, "token \(token) is not allowed by the \(grammar.kindName) here")
            }
            currentMask = nil
            guard functions.matcherConsumeToken(handle, UInt32(bitPattern: token)) == 0 else {
                throw GuidanceError(.tokenRejected,
                                    "token \(token) is not allowed by the \(grammar.kindName): \(errorMessage())")
            }
        }
    }

    /// Undoes the last `count` committed tokens (e.g. draft tokens the model did not accept).
    public func rollback(_ count: Int) throws {
        guard count > 0 else { return }
        try lock.withLock {
            currentMask = nil
            guard tokenizer.library.functions.matcherRollback(handle, count) == 0 else {
                throw failure("cannot roll back \(count) tokens")
            }
        }
    }

    /// Whether the grammar is complete: an EOS was committed, or nothing but EOS can follow (the mask then allows
    /// only EOS). Also true once the matcher has failed.
    public var isStopped: Bool {
        lock.withLock { tokenizer.library.functions.matcherIsStopped(handle) }
    }

    /// Whether the output so far is a complete match: EOS is allowed now (other tokens may be too).
    public var isAccepting: Bool {
        lock.withLock { tokenizer.library.functions.matcherIsAccepting(handle) }
    }

    /// A new constraint in the same state, advanced independently (e.g. for `n` choices of one request): cheaper
    /// than compiling the grammar again.
    public func copy() throws -> GuidanceConstraint {
        try lock.withLock {
            guard let clone = tokenizer.library.functions.cloneMatcher(handle) else {
                throw GuidanceError(.matcherFailed, "llguidance cannot copy the matcher")
            }
            return GuidanceConstraint(copying: self, handle: clone, mask: currentMask)
        }
    }

    /// The matcher's error, with the lock held.
    private func errorMessage() -> String {
        Self.error(of: handle, functions: tokenizer.library.functions) ?? "unknown llguidance error"
    }

    private func failure(_ context: String) -> GuidanceError {
        GuidanceError(.matcherFailed, "\(context) for the \(grammar.kindName): \(errorMessage())")
    }

    private static func error(of matcher: OpaquePointer, functions: GuidanceLibrary.Functions) -> String? {
        guard functions.matcherIsError(matcher) else { return nil }
        return functions.matcherGetError(matcher).map { String(cString: $0) } ?? "unknown llguidance error"
    }
}
