import Foundation

extension WordPieceConfiguration {
    /// Reads `tokenizer_config.json`; missing keys keep their defaults.
    public init(tokenizerConfigJSON data: Data) throws {
        self.init()
        let object = try Self.jsonObject(data, file: "tokenizer_config.json")
        if let value = object["do_lower_case"] as? Bool { lowercase = value }
        if let value = object["strip_accents"] as? Bool { stripAccents = value }
        if let value = object["tokenize_chinese_chars"] as? Bool { handleChineseCharacters = value }
        if let value = object["clean_text"] as? Bool { cleanText = value }
        if let value = Self.number(object["model_max_length"]), value >= 1, value < 1e9 {
            modelMaxLength = Int(value)
        }
        applySpecialTokens(object)
        if let decoder = object["added_tokens_decoder"] as? [String: Any] {
            addedTokens = try decoder.compactMap { key, value in
                guard let id = Int32(key), let entry = value as? [String: Any],
                      let content = entry["content"] as? String
                else {
                    throw TokenizerError.malformed("tokenizer_config.json", "bad added_tokens_decoder entry \(key)")
                }
                return AddedToken(
                    id: id,
                    content: content,
                    singleWord: entry["single_word"] as? Bool ?? false,
                    leftStrip: entry["lstrip"] as? Bool ?? false,
                    rightStrip: entry["rstrip"] as? Bool ?? false,
                    normalized: entry["normalized"] as? Bool ?? false,
                    special: entry["special"] as? Bool ?? false
                )
            }
            .sorted { $0.id < $1.id }
        }
    }

    /// Applies the token names from `special_tokens_map.json`, which win over `tokenizer_config.json`.
    mutating func applySpecialTokensMap(_ data: Data) throws {
        applySpecialTokens(try Self.jsonObject(data, file: "special_tokens_map.json"))
    }

    private mutating func applySpecialTokens(_ object: [String: Any]) {
        func name(_ key: String) -> String? {
            if let text = object[key] as? String { return text }
            return (object[key] as? [String: Any])?["content"] as? String
        }
        if let value = name("unk_token") { unknownToken = value }
        if let value = name("cls_token") { classifierToken = value }
        if let value = name("sep_token") { separatorToken = value }
        if let value = name("pad_token") { paddingToken = value }
        if let value = name("mask_token") { maskToken = value }
    }

    private static func number(_ value: Any?) -> Double? {
        switch value {
        case let value as Int: Double(value)
        case let value as Double: value
        case let value as NSNumber: value.doubleValue
        default: nil
        }
    }

    private static func jsonObject(_ data: Data, file: String) throws -> [String: Any] {
        let parsed: Any
        do {
            parsed = try JSONSerialization.jsonObject(with: data)
        } catch {
            throw TokenizerError.malformed(file, "not valid JSON (\(error.localizedDescription))")
        }
        guard let object = parsed as? [String: Any] else {
            throw TokenizerError.malformed(file, "the top level is not a JSON object")
        }
        return object
    }
}
