import Foundation

extension WordPieceTokenizer {
    /// Loads `tokenizer.json` from `directory` (with `tokenizer_config.json` for `model_max_length` when present);
    /// without it, builds the tokenizer from `vocab.txt`, `tokenizer_config.json` and `special_tokens_map.json`.
    public init(directory: URL) throws {
        let tokenizerJSON = directory.appendingPathComponent("tokenizer.json")
        let vocabText = directory.appendingPathComponent("vocab.txt")
        let configURL = directory.appendingPathComponent("tokenizer_config.json")
        let specialsURL = directory.appendingPathComponent("special_tokens_map.json")
        var config: WordPieceConfiguration?
        if let data = try Self.readIfPresent(configURL) {
            config = try WordPieceConfiguration(tokenizerConfigJSON: data)
        }
        if let data = try Self.readIfPresent(tokenizerJSON) {
            try self.init(tokenizerJSON: data, config: config)
            return
        }
        guard let vocabData = try Self.readIfPresent(vocabText) else {
            throw TokenizerError(
                .fileMissing,
                "no tokenizer in \(directory.path): neither tokenizer.json nor vocab.txt exists"
            )
        }
        var settings = config ?? WordPieceConfiguration()
        if let data = try Self.readIfPresent(specialsURL) {
            try settings.applySpecialTokensMap(data)
        }
        try self.init(vocabText: String(decoding: vocabData, as: UTF8.self), config: settings)
    }

    /// Builds the tokenizer a `tokenizer.json` describes; `config` (from `tokenizer_config.json`) only
    /// supplies `modelMaxLength`, which otherwise comes from the file's saved truncation length.
    public init(tokenizerJSON data: Data, config: WordPieceConfiguration? = nil) throws {
        let file: TokenizerFile
        do {
            file = try JSONDecoder().decode(TokenizerFile.self, from: data)
        } catch let error as TokenizerError {
            throw error
        } catch {
            throw TokenizerError.malformed("tokenizer.json", Self.describe(error))
        }
        let vocabulary = try Self.checkedIDs(file.model.vocab)
        let model = try WordPieceModel(
            vocabulary: vocabulary,
            unknownToken: file.model.unkToken,
            continuingSubwordPrefix: file.model.continuingSubwordPrefix,
            maxInputCharactersPerWord: file.model.maxInputCharsPerWord
        )
        if let preTokenizer = file.preTokenizer, preTokenizer.type != "BertPreTokenizer" {
            throw TokenizerError.unsupported("pre_tokenizer \(preTokenizer.type); only BertPreTokenizer is supported")
        } else if file.preTokenizer == nil {
            throw TokenizerError.unsupported("a missing pre_tokenizer; only BertPreTokenizer is supported")
        }
        let addedTokens = (file.addedTokens ?? []).map { entry in
            AddedToken(
                id: Int32(clamping: entry.id),
                content: entry.content,
                singleWord: entry.singleWord ?? false,
                leftStrip: entry.lstrip ?? false,
                rightStrip: entry.rstrip ?? false,
                normalized: entry.normalized ?? false,
                special: entry.special ?? false
            )
        }
        try self.init(
            model: model,
            normalizer: try Self.normalizer(file.normalizer),
            addedTokens: addedTokens,
            template: try Self.template(file.postProcessor),
            clsToken: "[CLS]",
            sepToken: "[SEP]",
            padToken: file.padding?.padToken ?? config?.paddingToken ?? "[PAD]",
            padID: file.padding?.padID.map { Int32(clamping: $0) },
            modelMaxLength: config?.modelMaxLength ?? file.truncation?.maxLength
        )
    }

    /// Builds the tokenizer from the lines of `vocab.txt` (line number = id) and `tokenizer_config.json` settings,
    /// as HF's `BertWordPieceTokenizer` does.
    public init(vocabText: String, config: WordPieceConfiguration) throws {
        var vocabulary: [String: Int32] = [:]
        var lines = vocabText.split(separator: "\n", omittingEmptySubsequences: false)
        if lines.last == "" { lines.removeLast() }
        for (index, line) in lines.enumerated() {
            var token = Substring(line)
            while let last = token.unicodeScalars.last, UnicodeClassifier.isWhitespace(last) {
                token = Substring(token.unicodeScalars.dropLast())
            }
            vocabulary[String(token)] = Int32(index)
        }
        guard !vocabulary.isEmpty else {
            throw TokenizerError.malformed("vocab.txt", "the vocabulary is empty")
        }
        let model = try WordPieceModel(
            vocabulary: vocabulary,
            unknownToken: config.unknownToken,
            continuingSubwordPrefix: "##",
            maxInputCharactersPerWord: 100
        )
        var addedTokens = config.addedTokens
        if addedTokens.isEmpty {
            // Like HF's BertWordPieceTokenizer: the special tokens that are in the vocabulary become added tokens.
            let specials = [config.unknownToken, config.separatorToken, config.classifierToken, config.paddingToken,
                            config.maskToken]
            for content in specials where !addedTokens.contains(where: { $0.content == content }) {
                if let id = vocabulary[content] {
                    addedTokens.append(AddedToken(id: id, content: content, special: true))
                }
            }
        }
        func id(_ token: String, role: String) throws -> Int32 {
            guard let id = vocabulary[token] ?? addedTokens.first(where: { $0.content == token })?.id else {
                throw TokenizerError.missingToken(token, role: role)
            }
            return id
        }
        let template = SpecialTokenTemplate(
            prefix: [try id(config.classifierToken, role: "CLS")],
            suffix: [try id(config.separatorToken, role: "SEP")]
        )
        try self.init(
            model: model,
            normalizer: BertNormalizer(
                cleanText: config.cleanText,
                handleChineseCharacters: config.handleChineseCharacters,
                stripAccents: config.stripAccents,
                lowercase: config.lowercase
            ),
            addedTokens: addedTokens,
            template: template,
            clsToken: config.classifierToken,
            sepToken: config.separatorToken,
            padToken: config.paddingToken,
            padID: nil,
            modelMaxLength: config.modelMaxLength
        )
    }

    private static func readIfPresent(_ url: URL) throws -> Data? {
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        do {
            return try Data(contentsOf: url)
        } catch {
            throw TokenizerError(.fileMissing, "cannot read \(url.path): \(error.localizedDescription)")
        }
    }

    private static func checkedIDs(_ vocab: [String: Int]) throws -> [String: Int32] {
        var result: [String: Int32] = [:]
        result.reserveCapacity(vocab.count)
        for (token, id) in vocab {
            guard let id32 = Int32(exactly: id), id32 >= 0 else {
                throw TokenizerError.malformed("tokenizer.json", "token \"\(token)\" has an invalid id \(id)")
            }
            result[token] = id32
        }
        return result
    }

    private static func normalizer(_ entry: TokenizerFile.Normalizer?) throws -> BertNormalizer? {
        guard let entry else { return nil }
        guard entry.type == "BertNormalizer" else {
            throw TokenizerError.unsupported("normalizer \(entry.type); only BertNormalizer is supported")
        }
        return BertNormalizer(
            cleanText: entry.cleanText ?? true,
            handleChineseCharacters: entry.handleChineseChars ?? true,
            stripAccents: entry.stripAccents,
            lowercase: entry.lowercase ?? true
        )
    }

    private static func template(_ entry: TokenizerFile.PostProcessor?) throws -> SpecialTokenTemplate {
        guard let entry else { return .none }
        switch entry.type {
        case "TemplateProcessing":
            guard let single = entry.single else {
                throw TokenizerError.malformed("tokenizer.json", "TemplateProcessing has no single template")
            }
            var template = SpecialTokenTemplate.none
            var sawSequence = false
            for piece in single {
                switch piece {
                case .sequence:
                    sawSequence = true
                case .specialToken(let name):
                    guard let ids = entry.specialTokens?[name]?.ids else {
                        throw TokenizerError.malformed("tokenizer.json", "template token \(name) has no ids")
                    }
                    let converted = ids.map { Int32(clamping: $0) }
                    if sawSequence {
                        template.suffix += converted
                    } else {
                        template.prefix += converted
                    }
                }
            }
            return template
        case "BertProcessing":
            guard let cls = entry.cls, let sep = entry.sep else {
                throw TokenizerError.malformed("tokenizer.json", "BertProcessing needs cls and sep")
            }
            return SpecialTokenTemplate(prefix: [Int32(clamping: cls.id)], suffix: [Int32(clamping: sep.id)])
        default:
            throw TokenizerError.unsupported("post_processor \(entry.type); only TemplateProcessing and "
                + "BertProcessing are supported")
        }
    }

    private static func describe(_ error: any Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, let context):
            return "missing \(Self.path(context.codingPath + [key]))"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            return "unexpected value at \(Self.path(context.codingPath)): \(context.debugDescription)"
        case DecodingError.dataCorrupted(let context):
            return "not valid JSON: \(context.debugDescription)"
        default:
            return "\(error)"
        }
    }

    private static func path(_ keys: [any CodingKey]) -> String {
        keys.isEmpty ? "the top level" : keys.map { $0.intValue.map(String.init) ?? $0.stringValue }
            .joined(separator: ".")
    }
}
