/// The parts of a Hugging Face `tokenizer.json` that a WordPiece tokenizer needs, decoded as written.
struct TokenizerFile: Decodable {
    struct AddedTokenEntry: Decodable {
        var id: Int
        var content: String
        var singleWord: Bool?
        var lstrip: Bool?
        var rstrip: Bool?
        var normalized: Bool?
        var special: Bool?

        enum CodingKeys: String, CodingKey {
            case id, content, lstrip, rstrip, normalized, special
            case singleWord = "single_word"
        }
    }

    struct Normalizer: Decodable {
        var type: String
        var cleanText: Bool?
        var handleChineseChars: Bool?
        var stripAccents: Bool?
        var lowercase: Bool?

        enum CodingKeys: String, CodingKey {
            case type, lowercase
            case cleanText = "clean_text"
            case handleChineseChars = "handle_chinese_chars"
            case stripAccents = "strip_accents"
        }
    }

    struct TypeOnly: Decodable {
        var type: String
    }

    /// One item of a `TemplateProcessing` template: a named special token or a sequence slot.
    enum TemplatePiece: Decodable {
        case specialToken(String)
        case sequence(String)

        private struct Named: Decodable {
            var id: String
        }

        private enum CodingKeys: String, CodingKey {
            case specialToken = "SpecialToken"
            case sequence = "Sequence"
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            if let special = try container.decodeIfPresent(Named.self, forKey: .specialToken) {
                self = .specialToken(special.id)
            } else {
                self = .sequence(try container.decode(Named.self, forKey: .sequence).id)
            }
        }
    }

    /// A `[token, id]` pair as `BertProcessing` writes its `cls` and `sep`.
    struct TokenAndID: Decodable {
        var token: String
        var id: Int

        init(from decoder: any Decoder) throws {
            var container = try decoder.unkeyedContainer()
            token = try container.decode(String.self)
            id = try container.decode(Int.self)
        }
    }

    struct SpecialTokenIDs: Decodable {
        var ids: [Int]
    }

    struct PostProcessor: Decodable {
        var type: String
        var single: [TemplatePiece]?
        var specialTokens: [String: SpecialTokenIDs]?
        var cls: TokenAndID?
        var sep: TokenAndID?

        enum CodingKeys: String, CodingKey {
            case type, single, cls, sep
            case specialTokens = "special_tokens"
        }
    }

    struct Model: Decodable {
        var type: String
        var unkToken: String
        var continuingSubwordPrefix: String
        var maxInputCharsPerWord: Int
        var vocab: [String: Int]

        enum CodingKeys: String, CodingKey {
            case type, vocab, merges
            case unkToken = "unk_token"
            case continuingSubwordPrefix = "continuing_subword_prefix"
            case maxInputCharsPerWord = "max_input_chars_per_word"
        }

        /// Rejects other model types before reading a vocabulary that may have another shape.
        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            let declared = try container.decodeIfPresent(String.self, forKey: .type)
            let inferred: String
            if let declared {
                inferred = declared
            } else if container.contains(.merges) {
                inferred = "BPE"
            } else if container.contains(.maxInputCharsPerWord) || container.contains(.continuingSubwordPrefix) {
                inferred = "WordPiece"
            } else {
                inferred = "unknown"
            }
            guard inferred == "WordPiece" else {
                throw TokenizerError.unsupported("model type \(inferred); only WordPiece (BERT) models are supported")
            }
            type = inferred
            unkToken = try container.decodeIfPresent(String.self, forKey: .unkToken) ?? "[UNK]"
            continuingSubwordPrefix = try container.decodeIfPresent(String.self, forKey: .continuingSubwordPrefix)
                ?? "##"
            maxInputCharsPerWord = try container.decodeIfPresent(Int.self, forKey: .maxInputCharsPerWord) ?? 100
            vocab = try container.decode([String: Int].self, forKey: .vocab)
        }
    }

    struct Truncation: Decodable {
        var maxLength: Int

        enum CodingKeys: String, CodingKey {
            case maxLength = "max_length"
        }
    }

    struct Padding: Decodable {
        var padID: Int?
        var padToken: String?

        enum CodingKeys: String, CodingKey {
            case padID = "pad_id"
            case padToken = "pad_token"
        }
    }

    var addedTokens: [AddedTokenEntry]?
    var normalizer: Normalizer?
    var preTokenizer: TypeOnly?
    var postProcessor: PostProcessor?
    var model: Model
    var truncation: Truncation?
    var padding: Padding?

    enum CodingKeys: String, CodingKey {
        case normalizer, model, truncation, padding
        case addedTokens = "added_tokens"
        case preTokenizer = "pre_tokenizer"
        case postProcessor = "post_processor"
    }
}
