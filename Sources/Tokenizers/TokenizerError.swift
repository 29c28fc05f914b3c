import Foundation

/// A failure to load tokenizer files: a missing file, malformed JSON, or a tokenizer this package does not support.
public struct TokenizerError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The stable kind of a ``TokenizerError``, for matching in code; `message` carries the details.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case fileMissing, malformedFile, unsupported, missingToken
        }

        private let base: Base

        private init(_ base: Base) {
            self.base = base
        }

        /// A required file does not exist.
        public static let fileMissing = Code(.fileMissing)
        /// A file exists but is not valid JSON or lacks a required field.
        public static let malformedFile = Code(.malformedFile)
        /// The file describes a tokenizer this package cannot run (for example a BPE model).
        public static let unsupported = Code(.unsupported)
        /// A token the tokenizer needs (unknown, CLS, SEP, PAD) is not in the vocabulary.
        public static let missingToken = Code(.missingToken)

        public var description: String { base.rawValue }
    }

    /// What went wrong, for matching in code.
    public let code: Code
    /// A human readable explanation naming the file or setting involved.
    public let message: String

    public var description: String { message }

    init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    static func fileMissing(_ url: URL) -> TokenizerError {
        TokenizerError(.fileMissing, "tokenizer file not found: \(url.path)")
    }

    static func malformed(_ what: String, _ detail: String) -> TokenizerError {
        TokenizerError(.malformedFile, "malformed \(what): \(detail)")
    }

    static func unsupported(_ detail: String) -> TokenizerError {
        TokenizerError(.unsupported, "unsupported tokenizer: \(detail)")
    }

    static func missingToken(_ token: String, role: String) -> TokenizerError {
        TokenizerError(.missingToken, "the \(role) token \"\(token)\" is not in the vocabulary")
    }
}
