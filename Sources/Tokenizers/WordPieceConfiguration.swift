/// Settings for a BERT WordPiece tokenizer built from `vocab.txt`, as `tokenizer_config.json` and
/// `special_tokens_map.json` give them; the defaults are those of Hugging Face's `BertTokenizer`.
public struct WordPieceConfiguration: Sendable, Equatable {
    /// `do_lower_case`.
    public var lowercase: Bool
    /// `strip_accents`; `nil` strips accents exactly when `lowercase` is on.
    public var stripAccents: Bool?
    /// `tokenize_chinese_chars`: put spaces around CJK ideographs.
    public var handleChineseCharacters: Bool
    /// `clean_text`: drop control characters and turn whitespace into spaces.
    public var cleanText: Bool
    /// `model_max_length`, when it is a real limit (HF writes about 1e30 for "none").
    public var modelMaxLength: Int?
    public var unknownToken: String
    public var classifierToken: String
    public var separatorToken: String
    public var paddingToken: String
    public var maskToken: String
    /// Added tokens with their ids from `added_tokens_decoder`; when empty the five special tokens are used.
    var addedTokens: [AddedToken] = []

    public init(
        lowercase: Bool = true,
        stripAccents: Bool? = nil,
        handleChineseCharacters: Bool = true,
        cleanText: Bool = true,
        modelMaxLength: Int? = nil,
        unknownToken: String = "[UNK]",
        classifierToken: String = "[CLS]",
        separatorToken: String = "[SEP]",
        paddingToken: String = "[PAD]",
        maskToken: String = "[MASK]"
    ) {
        self.lowercase = lowercase
        self.stripAccents = stripAccents
        self.handleChineseCharacters = handleChineseCharacters
        self.cleanText = cleanText
        self.modelMaxLength = modelMaxLength
        self.unknownToken = unknownToken
        self.classifierToken = classifierToken
        self.separatorToken = separatorToken
        self.paddingToken = paddingToken
        self.maskToken = maskToken
    }
}
