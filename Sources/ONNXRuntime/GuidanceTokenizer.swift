import CONNXRuntime
import Foundation

/// A model's vocabulary as llguidance needs it to turn grammars into token masks: every token's bytes (read by the
/// library from the folder's `tokenizer.json`), the EOS tokens, and the model tokenizer for canonical tokenization of
/// forced text. One per model; immutable and shared by all its constraints, from any thread.
///
/// The token bytes are llguidance's own reading of `tokenizer.json` (`tokenizer_json` in its init struct: byte-level
/// BPE through the GPT-2 byte map, SentencePiece `▁` and `<0xNN>` byte tokens, special tokens marked so no grammar
/// text matches them), so they agree with what its Python package builds from the same file. The tokenize callback
/// is the model's tokenizer (onnxruntime-extensions), which makes llguidance's tokenization canonical: where the
/// grammar forces text, the mask is the one token the model would have used for it, as with Hugging Face tokenizers
/// in llguidance's Python package.
public final class GuidanceTokenizer: @unchecked Sendable {
    public let library: GuidanceLibrary
    /// The model folder the vocabulary was read from.
    public let directory: String
    /// Bits in a mask: the larger of the tokenizer's ids and the vocabulary size asked for (the logits' width).
    public let vocabularySize: Int
    /// The tokens a finished grammar allows: the model's end-of-sequence tokens.
    public let eosTokenIDs: [Int32]
    let handle: OpaquePointer
    /// Called back by the library from any thread while a constraint lives: kept alive as long as the handle.
    private let context: GuidanceTokenizeContext

    /// Builds the vocabulary of `tokenizer`'s model folder. `vocabularySize` is the logits' width (default: the
    /// folder's `genai_config.json` `model.vocab_size`, else the tokenizer's); `eosTokenIDs` the tokens that end a
    /// sequence (default: `genai_config.json`'s `eos_token_id`, else `tokenizer_config.json`'s `eos_token`). Throws
    /// `GuidanceError(.tokenizer)` with llguidance's reason when the files cannot be read (it reads byte-level BPE
    /// and SentencePiece byte-fallback vocabularies).
    public init(library: GuidanceLibrary, tokenizer: OrtxTokenizer, vocabularySize: Int? = nil,
                eosTokenIDs: [Int32]? = nil) throws {
        let directory = tokenizer.directory
        let path = URL(fileURLWithPath: directory).appendingPathComponent("tokenizer.json").path
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw GuidanceError(.tokenizer, "cannot read \(path): \(error.localizedDescription)")
        }
        let vocabulary = try GuidanceVocabulary(json: data, path: path)
        let config = try? GenAIModelConfig(directory: directory)
        let requested = vocabularySize ?? config?.vocabularySize ?? vocabulary.tokenCount
        let size = max(requested, vocabulary.tokenCount)
        let eos = eosTokenIDs ?? (config?.eosTokenIDs).flatMap { $0.isEmpty ? nil : $0 }
            ?? tokenizer.eosTokenID.map { [$0] } ?? []
        guard requested > 0, size < Int(UInt32.max), let firstEOS = eos.first else {
            throw GuidanceError(.tokenizer, "cannot build the vocabulary of \(directory): "
                                + (eos.isEmpty ? "no end-of-sequence token is known" : "vocabulary size \(requested)"))
        }
        if let bad = eos.first(where: { $0 < 0 || Int($0) >= size }) {
            throw GuidanceError(.tokenizer, "the end-of-sequence token \(bad) is outside the vocabulary (\(size))")
        }
        guard !data.contains(0) else { throw GuidanceError(.tokenizer, "\(path) contains a NUL byte") }

        let context = GuidanceTokenizeContext(tokenizer: tokenizer, vocabulary: vocabulary)
        let extra = eos.dropFirst().map { UInt32(bitPattern: $0) }
        var message = [CChar](repeating: 0, count: 2048)
        let created: OpaquePointer? = (Array(data) + [0]).withUnsafeBufferPointer { json in
            extra.withUnsafeBufferPointer { extraBuffer in
                json.withMemoryRebound(to: CChar.self) { text in
                    var init_ = AIGWLlgTokenizerInitV2()
                    init_.struct_size = MemoryLayout<AIGWLlgTokenizerInitV2>.size
                    init_.vocab_size = UInt32(size)
                    init_.tok_eos = UInt32(bitPattern: firstEOS)
                    init_.tokenizer_json = text.baseAddress
                    init_.tokenize_assumes_string = true
                    init_.tokenize_fn = { userData, bytes, length, output, capacity in
                        guard let userData, length == 0 || bytes != nil else { return 0 }
                        let context = Unmanaged<GuidanceTokenizeContext>.fromOpaque(userData).takeUnretainedValue()
                        let ids = context.tokenize(UnsafeBufferPointer(start: length > 0 ? bytes : nil, count: length))
                        if let output {
                            for (index, id) in ids.prefix(capacity).enumerated() { output[index] = id }
                        }
                        return ids.count
                    }
                    init_.tokenize_user_data = UnsafeRawPointer(Unmanaged.passUnretained(context).toOpaque())
                    init_.tok_eos_extra = extraBuffer.isEmpty ? nil : extraBuffer.baseAddress
                    init_.tok_eos_extra_count = UInt32(extraBuffer.count)
                    return message.withUnsafeMutableBufferPointer { buffer in
                        library.functions.newTokenizerV2(&init_, buffer.baseAddress, buffer.count)
                    }
                }
            }
        }
        guard let created else {
            let reason = String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            throw GuidanceError(.tokenizer, "llguidance cannot read the vocabulary in \(path): "
                                + (reason.isEmpty ? "unknown error" : reason))
        }
        self.library = library
        self.directory = directory
        self.vocabularySize = size
        self.eosTokenIDs = eos
        self.handle = created
        self.context = context
    }

    deinit {
        // Every constraint holds its tokenizer: none is left.
        library.functions.freeTokenizer(handle)
    }
}
