import Foundation

/// A BERT WordPiece tokenizer that gives the same ids as Hugging Face `tokenizers` for the same
/// `tokenizer.json` (or `vocab.txt` and `tokenizer_config.json`): normalise, split, WordPiece, add `[CLS]`/`[SEP]`.
public struct WordPieceTokenizer: Sendable {
    let model: WordPieceModel
    let normalizer: BertNormalizer?
    /// Added tokens matched in the raw input.
    let rawAddedTokens: AddedTokenMatcher
    /// Added tokens with `normalized: true`, matched in the normalised text.
    let normalizedAddedTokens: AddedTokenMatcher
    let template: SpecialTokenTemplate
    private let tokensByID: [Int32: String]
    private let addedTokenIDs: [String: Int32]

    /// The number of distinct ids: the vocabulary plus added tokens outside it.
    public let vocabularySize: Int
    /// The longest input the model takes, in tokens, from `model_max_length` or the saved truncation length.
    public let modelMaxLength: Int?
    public let clsTokenID: Int32
    public let sepTokenID: Int32
    public let padTokenID: Int32
    public let unkTokenID: Int32

    init(
        model: WordPieceModel,
        normalizer: BertNormalizer?,
        addedTokens: [AddedToken],
        template: SpecialTokenTemplate,
        clsToken: String,
        sepToken: String,
        padToken: String,
        padID: Int32?,
        modelMaxLength: Int?
    ) throws {
        self.model = model
        self.normalizer = normalizer
        self.template = template
        self.modelMaxLength = modelMaxLength
        rawAddedTokens = AddedTokenMatcher(tokens: addedTokens.filter { !$0.normalized })
        normalizedAddedTokens = AddedTokenMatcher(tokens: addedTokens.filter(\.normalized)) { content in
            var output: [Unicode.Scalar] = []
            var staging: [Unicode.Scalar] = []
            let input = Array(content.unicodeScalars)
            if let normalizer {
                input.withUnsafeBufferPointer { normalizer.normalize($0, into: &output, staging: &staging) }
            } else {
                output = input
            }
            return output
        }
        var tokensByID: [Int32: String] = [:]
        tokensByID.reserveCapacity(model.vocabulary.count + addedTokens.count)
        for (token, id) in model.vocabulary {
            tokensByID[id] = token
        }
        for token in addedTokens {
            tokensByID[token.id] = token.content
        }
        self.tokensByID = tokensByID
        let addedIDs = Dictionary(addedTokens.map { ($0.content, $0.id) }, uniquingKeysWith: { _, last in last })
        addedTokenIDs = addedIDs
        vocabularySize = tokensByID.count
        unkTokenID = model.unknownID

        func lookup(_ token: String, role: String) throws -> Int32 {
            if let id = model.vocabulary[token] ?? addedIDs[token] { return id }
            throw TokenizerError.missingToken(token, role: role)
        }
        clsTokenID = try template.prefix.last ?? lookup(clsToken, role: "CLS")
        sepTokenID = try template.suffix.first ?? lookup(sepToken, role: "SEP")
        padTokenID = try padID ?? lookup(padToken, role: "padding")
    }

    /// The ids for `text`, with the special tokens around them when `addSpecialTokens` is on; never truncated.
    public func encode(_ text: String, addSpecialTokens: Bool = true) -> [Int32] {
        encode(text, addSpecialTokens: addSpecialTokens, limit: nil)
    }

    /// The ids for `text` with the special tokens, at most `maxLength` of them: the content is cut to
    /// `maxLength - 2` ids (for `[CLS]` and `[SEP]`) before they are added, as HF's `enable_truncation` does.
    /// A `maxLength` below the number of special tokens still yields the special tokens.
    public func encode(_ text: String, maxLength: Int) -> [Int32] {
        encode(text, addSpecialTokens: true, limit: maxLength)
    }

    /// The token text for `id` (vocabulary or added token), or `nil` for an unknown id.
    public func token(for id: Int32) -> String? {
        tokensByID[id]
    }

    /// The id of `token` when it is in the vocabulary or an added token.
    public func id(for token: String) -> Int32? {
        addedTokenIDs[token] ?? model.vocabulary[token]
    }

    private func encode(_ text: String, addSpecialTokens: Bool, limit: Int?) -> [Int32] {
        let specials = addSpecialTokens ? template : .none
        var contentLimit = Int.max
        if let limit {
            contentLimit = max(0, limit - specials.count)
        }
        var content = contentIDs(for: text, limit: contentLimit)
        if content.count > contentLimit {
            content.removeSubrange(contentLimit...)
        }
        if specials.count == 0 { return content }
        var ids: [Int32] = []
        ids.reserveCapacity(content.count + specials.count)
        ids.append(contentsOf: specials.prefix)
        ids.append(contentsOf: content)
        ids.append(contentsOf: specials.suffix)
        return ids
    }
}
