import CONNXRuntime
import Foundation

/// A model folder's tokenizer (`tokenizer.json` and `tokenizer_config.json`) through onnxruntime-extensions, without
/// loading the model: text to token ids and back, incremental decoding, and the model's chat template.
///
/// Encodes as onnxruntime-genai's tokenizer does (same library, same options): special-token markup such as
/// `<|im_end|>` becomes its id, and no BOS/EOS is added (`add_special_tokens` false); decoding leaves special tokens
/// out. Thread-safe: the library's tokenizer keeps scratch state between calls, so every call into it holds one lock
/// (an encode of 1,000 tokens takes well under a millisecond); streams share that lock.
public final class OrtxTokenizer: @unchecked Sendable {
    public let library: OrtxLibrary
    /// The model folder the tokenizer was read from.
    public let directory: String
    /// The id of the end-of-sequence token named by `tokenizer_config.json` (`eos_token`), if it names one the
    /// vocabulary has.
    public let eosTokenID: Int32?
    let handle: OpaquePointer
    let lock = NSLock()
    /// A token that decodes to non-empty text on its own ("a"), put in front of ids whose text the library reports as
    /// U+FFFD, to tell an empty text (which the library reports so) from one that is invalid UTF-8.
    private let probe: (id: Int32, text: String)?

    /// Reads the tokenizer of the model folder `directory`. Throws `OrtError(.extensions)` with the library's reason
    /// when the folder or its tokenizer files are missing or unreadable.
    public init(library: OrtxLibrary, directory: String) throws {
        let context = "cannot load the tokenizer in \(directory)"
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isFolder), isFolder.boolValue else {
            throw OrtError(.extensions, "\(context): there is no such folder")
        }
        try Self.refuseNUL(directory, what: "tokenizer folder path")
        // As onnxruntime-genai creates its tokenizer.
        let texts: [String] = ["add_special_tokens", "skip_special_tokens", "false", "true"]
        let options = texts.map { strdup($0) }
        defer { options.forEach { free($0) } }
        let keys: [UnsafePointer<CChar>?] = options[0..<2].map { $0.map { UnsafePointer($0) } }
        let values: [UnsafePointer<CChar>?] = options[2..<4].map { $0.map { UnsafePointer($0) } }
        var tokenizer: OpaquePointer?
        let code = keys.withUnsafeBufferPointer { keyBuffer in
            values.withUnsafeBufferPointer { valueBuffer in
                library.functions.createTokenizerWithOptions(&tokenizer, directory, keyBuffer.baseAddress,
                                                             valueBuffer.baseAddress, keys.count)
            }
        }
        try library.check(code, context)
        guard let tokenizer else { throw OrtError(.extensions, "\(context): the library returned no tokenizer") }
        do {
            // Not shared yet: no lock.
            self.eosTokenID = try Self.configuredToken("eos_token", in: directory).flatMap { token in
                try Self.tokenID(for: token, handle: tokenizer, library: library)
            }
            let probeIDs = try Self.encode("a", handle: tokenizer, library: library)
            let probeText = try probeIDs.count == 1 ? Self.decode(probeIDs, handle: tokenizer, library: library) : ""
            self.probe = probeText.isEmpty || probeText == "\u{FFFD}" ? nil : (probeIDs[0], probeText)
        } catch {
            library.dispose(tokenizer)
            throw error
        }
        self.library = library
        self.directory = directory
        self.handle = tokenizer
    }

    deinit {
        library.dispose(handle)
    }

    /// The token ids of `text`. A NUL character is refused with `OrtError(.invalidArgument)` (the C API takes C
    /// strings).
    public func encode(_ text: String) throws -> [Int32] {
        try lock.withLock { try Self.encode(text, handle: handle, library: library) }
    }

    /// The text of `ids`, as Hugging Face decodes them with `skip_special_tokens`: special tokens and ids outside the
    /// vocabulary are left out, and an incomplete UTF-8 sequence at the end becomes U+FFFD (use `makeStream()` to
    /// decode token by token). Unlike Hugging Face, an invalid UTF-8 sequence inside the text (a malformed run of
    /// byte tokens) ends it with U+FFFD: the library drops the text after it.
    public func decode(_ ids: [Int32]) throws -> String {
        try lock.withLock {
            let text = try Self.decode(ids, handle: handle, library: library)
            // The library reports an empty text (only special tokens, say) as U+FFFD, as it does a text that is
            // invalid from its first byte: decoded after the probe token, an empty text leaves the probe's alone.
            guard text == "\u{FFFD}", let probe else { return text }
            let probed = try Self.decode([probe.id] + ids, handle: handle, library: library)
            return probed == probe.text ? "" : text
        }
    }

    /// A new incremental decoder for one generated sequence.
    public func makeStream() throws -> OrtxTokenizerStream {
        try OrtxTokenizerStream(tokenizer: self)
    }

    /// The id of `text` when it is exactly one token, e.g. a special token such as `<|im_end|>`: it encodes to that
    /// single id and the vocabulary spells it so. Nil otherwise.
    public func tokenID(for text: String) throws -> Int32? {
        try lock.withLock { try Self.tokenID(for: text, handle: handle, library: library) }
    }

    /// `encode` without the lock: the caller holds it, or owns `handle` alone.
    static func encode(_ text: String, handle: OpaquePointer, library: OrtxLibrary) throws -> [Int32] {
        try refuseNUL(text, what: "text to encode")
        let functions = library.functions
        var array: OpaquePointer?
        defer { library.dispose(array) }
        let code = text.withCString { cText in
            withUnsafePointer(to: Optional(cText)) { input in functions.tokenize(handle, input, 1, &array) }
        }
        try library.check(code, "cannot encode text")
        guard let array else { throw OrtError(.extensions, "cannot encode text: the library returned no ids") }
        var ids: UnsafePointer<UInt32>?
        var count = 0
        try library.check(functions.tokenId2DArrayGetItem(array, 0, &ids, &count), "cannot read the encoded ids")
        guard let ids, count > 0 else { return [] }
        return UnsafeBufferPointer(start: ids, count: count).map { Int32(bitPattern: $0) }
    }

    /// The library's decode, without the lock.
    static func decode(_ ids: [Int32], handle: OpaquePointer, library: OrtxLibrary) throws -> String {
        // The library divides by the number of ids: an empty list never reaches it.
        guard !ids.isEmpty else { return "" }
        let functions = library.functions
        var array: OpaquePointer?
        defer { library.dispose(array) }
        let code = ids.map { UInt32(bitPattern: $0) }.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return Int32(0) }
            return functions.detokenize1D(handle, base, buffer.count, &array)
        }
        try library.check(code, "cannot decode \(ids.count) tokens")
        guard let array else { throw OrtError(.extensions, "cannot decode tokens: the library returned no text") }
        var text: UnsafePointer<CChar>?
        try library.check(functions.stringArrayGetItem(array, 0, &text), "cannot read the decoded text")
        return text.map { String(cString: $0) } ?? ""
    }

    /// `tokenID(for:)` without the lock.
    static func tokenID(for text: String, handle: OpaquePointer, library: OrtxLibrary) throws -> Int32? {
        let ids = try encode(text, handle: handle, library: library)
        guard ids.count == 1 else { return nil }
        var id: UInt32 = 0
        try library.check(library.functions.convertTokenToId(handle, text, &id),
                          "cannot look up the token \(text.debugDescription)")
        guard id != AIGW_ORTX_INVALID_TOKEN_ID, Int32(bitPattern: id) == ids[0] else { return nil }
        return ids[0]
    }

    /// The token a `tokenizer_config.json` key names: a string, or an object with a `content` string.
    static func configuredToken(_ key: String, in directory: String) -> String? {
        let url = URL(fileURLWithPath: directory).appendingPathComponent("tokenizer_config.json")
        guard let data = try? Data(contentsOf: url),
              let config = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return nil }
        if let token = config[key] as? String { return token }
        return (config[key] as? [String: Any])?["content"] as? String
    }

    static func refuseNUL(_ text: String, what: String) throws {
        if text.utf8.contains(0) {
            throw OrtError(.invalidArgument,
                           "the \(what) contains a NUL character, which onnxruntime-extensions cannot take")
        }
    }
}
