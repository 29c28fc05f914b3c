import Foundation
import ONNXRuntime

/// A chat model's grammar support: llguidance's tokenizer for the model's vocabulary, built once on first use
/// (about 0.2 s), and the constraints built from it for each request with a grammar. Building runs on a dispatch
/// thread, never on Swift's cooperative pool.
public final class GrammarSource: Sendable {
    private let tokenizer: OrtxTokenizer
    private let vocabularySize: Int
    private let eosTokenIDs: [Int32]
    /// The build's outcome; the lock is held through the build, so concurrent first requests share one.
    private let built = LockedValue<Result<GuidanceTokenizer, GuidanceError>?>(nil)

    public init(tokenizer: OrtxTokenizer, vocabularySize: Int, eosTokenIDs: [Int32]) {
        self.tokenizer = tokenizer
        self.vocabularySize = vocabularySize
        self.eosTokenIDs = eosTokenIDs
    }

    /// llguidance's tokenizer for this model (built on the first call; a failure is kept and thrown again).
    func guidanceTokenizer() throws -> GuidanceTokenizer {
        try built.withLock { built -> Result<GuidanceTokenizer, GuidanceError> in
            if let built { return built }
            let result: Result<GuidanceTokenizer, GuidanceError>
            do {
                result = .success(try GuidanceTokenizer(library: try GuidanceLibrary.load(), tokenizer: tokenizer,
                                                        vocabularySize: vocabularySize, eosTokenIDs: eosTokenIDs))
            } catch let error as GuidanceError {
                result = .failure(error)
            } catch {
                result = .failure(GuidanceError(.libraryUnavailable, "\(error)"))
            }
            built = result
            return result
        }.get()
    }

    /// A constraint for one generation: a bad grammar is a 400 (`invalidInput`, llguidance's message), a missing
    /// library a 503 (`runtimeUnavailable`).
    public func constraint(for grammar: OutputGrammar) async throws -> GuidanceConstraint {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global(qos: .userInitiated).async {
                continuation.resume(with: Result {
                    do {
                        return try GuidanceConstraint(tokenizer: try self.guidanceTokenizer(), grammar: grammar.guidance)
                    } catch let error as GuidanceError where error.code == .invalidGrammar {
                        throw ServingError(.invalidGrammar, "Invalid grammar: \(error.message)")
                    } catch let error as GuidanceError {
                        throw ServingError(.runtimeUnavailable, "Constrained decoding is unavailable: \(error.message)")
                    }
                })
            }
        }
    }
}
