import CONNXRuntime

/// An error from ONNX Runtime, onnxruntime-genai or onnxruntime-extensions (a failed call, with the library's own
/// message), or from loading one of them.
public struct OrtError: Error, Sendable, CustomStringConvertible, Equatable {
    /// Where the error arose.
    public enum Kind: String, Sendable {
        /// The library could not be found or opened, or is too old.
        case libraryUnavailable
        /// A call into ONNX Runtime failed; `code` holds its `OrtErrorCode`.
        case runtime
        /// A call into onnxruntime-genai failed.
        case genAI
        /// A call into onnxruntime-extensions (tokenizer, chat template) failed; `code` holds its `extError_t`.
        case extensions
        /// The Swift side refused an argument before calling the library (shape/data mismatch, unknown name).
        case invalidArgument
        /// No execution provider in the preference list could create a session.
        case noProvider
    }

    public let kind: Kind
    public let message: String
    /// ONNX Runtime's `OrtErrorCode` for `.runtime` errors.
    public let code: Int32?

    public init(_ kind: Kind, _ message: String, code: Int32? = nil) {
        self.kind = kind
        self.message = message
        self.code = code
    }

    public var description: String { message }
}

extension OrtRuntime {
    /// Converts an `OrtStatus*` into a thrown `OrtError`, releasing the status exactly once.
    @inline(__always)
    func check(_ status: OpaquePointer?) throws {
        guard let status else { return }
        let code = api.GetErrorCode(status)
        let message = api.GetErrorMessage(status).map { String(cString: $0) } ?? "unknown ONNX Runtime error"
        api.ReleaseStatus(status)
        throw OrtError(.runtime, message, code: Int32(bitPattern: UInt32(truncatingIfNeeded: code.rawValue)))
    }
}
