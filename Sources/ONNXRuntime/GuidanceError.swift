/// An error from constrained decoding (llguidance): the library missing, a grammar it refuses, a tokenizer it cannot
/// read, or a token the grammar does not allow. `message` is llguidance's own text where it gave one.
public struct GuidanceError: Error, Sendable, CustomStringConvertible, Equatable {
    /// What went wrong; stable, for mapping to a response.
    public enum Code: String, Sendable {
        /// llguidance's library or the shared Python library it needs could not be found or opened, or is too old.
        case libraryUnavailable
        /// The grammar (JSON schema, regex or Lark) is malformed, uses something llguidance does not support, or
        /// exceeds its limits: the client's input is at fault.
        case invalidGrammar
        /// The model folder's vocabulary could not be read into an llguidance tokenizer.
        case tokenizer
        /// A committed token is not allowed by the grammar in the current state (or is outside the vocabulary).
        case tokenRejected
        /// The matcher failed while computing a mask or advancing (for example a limit was hit mid-generation); it
        /// stays failed.
        case matcherFailed
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
