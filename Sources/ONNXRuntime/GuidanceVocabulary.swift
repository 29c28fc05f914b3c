import Foundation

/// The facts about a Hugging Face `tokenizer.json` that the llguidance tokenizer needs beside the file itself (which
/// the library reads for the token bytes): how many ids it has, which are special tokens, and which id is the single
/// byte 0x00.
struct GuidanceVocabulary: Sendable {
    /// One more than the largest id in `model.vocab` and `added_tokens`.
    let tokenCount: Int
    /// The special added tokens (`"special": true`): their ids and text. llguidance marks them so that no grammar
    /// matches them; canonical tokenization must not produce them either.
    let specialTokens: [Int32: String]
    /// The token that is the byte 0x00 alone (`Ā` in byte-level BPE, `<0x00>` with byte fallback), for the NUL
    /// characters onnxruntime-extensions cannot take.
    let nulTokenID: Int32?

    /// Reads `tokenizer.json`'s vocabulary; throws `GuidanceError(.tokenizer)` when it is not a tokenizer file.
    init(json data: Data, path: String) throws {
        guard let root = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let model = root["model"] as? [String: Any] else {
            throw GuidanceError(.tokenizer, "\(path) is not a Hugging Face tokenizer file (no \"model\" object)")
        }
        var count = 0
        var pieces: [String: Int] = [:]
        if let vocab = model["vocab"] as? [String: Any] {
            for (piece, value) in vocab {
                guard let id = Self.integer(value), id >= 0 else { continue }
                pieces[piece] = id
                count = max(count, id + 1)
            }
        } else if let vocab = model["vocab"] as? [Any] {
            // Unigram: [piece, score] pairs, the id is the position.
            for (id, entry) in vocab.enumerated() {
                if let piece = (entry as? [Any])?.first as? String { pieces[piece] = id }
            }
            count = vocab.count
        } else {
            throw GuidanceError(.tokenizer, "\(path) has no model.vocab")
        }
        var specials: [Int32: String] = [:]
        for entry in root["added_tokens"] as? [[String: Any]] ?? [] {
            guard let id = Self.integer(entry["id"]), id >= 0, id < Int(Int32.max) else { continue }
            count = max(count, id + 1)
            if entry["special"] as? Bool == true, let content = entry["content"] as? String {
                specials[Int32(id)] = content
            }
        }
        guard count > 0, count < Int(Int32.max) else {
            throw GuidanceError(.tokenizer, "\(path) has an empty or oversized vocabulary (\(count) ids)")
        }
        self.tokenCount = count
        self.specialTokens = specials
        let decoder = root["decoder"] as? [String: Any]
        let nulPiece = decoder?["type"] as? String == "ByteLevel" ? "\u{0100}" : "<0x00>"
        self.nulTokenID = pieces[nulPiece].flatMap { $0 < count ? Int32($0) : nil }
    }

    private static func integer(_ value: Any?) -> Int? {
        guard let number = value as? NSNumber else { return nil }
        let double = number.doubleValue
        guard double.rounded() == double, abs(double) < 1e15 else { return nil }
        return number.intValue
    }
}
