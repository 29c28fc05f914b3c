import Foundation

/// What the decode engine needs from a genai-format decoder folder's `genai_config.json`: the graph file, the names
/// of its inputs and outputs, and the KV cache geometry.
public struct DecoderConfig: Sendable, Equatable {
    public var filename: String
    public var inputIDs: String
    public var attentionMask: String
    /// `past_key_values.%d.key` style templates, `%d` the layer.
    public var pastKey: String
    public var pastValue: String
    public var logits: String
    public var presentKey: String
    public var presentValue: String
    public var layers: Int
    public var kvHeads: Int
    public var headSize: Int
    public var vocabularySize: Int
    public var contextLength: Int
    public var eosTokenIDs: [Int32]

    /// Reads `directory/genai_config.json`; a field it lacks that the engine cannot guess is an error naming it.
    public static func load(directory: URL) throws(DecoderError) -> DecoderConfig {
        let file = directory.appendingPathComponent("genai_config.json")
        guard let data = try? Data(contentsOf: file),
              let root = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any],
              let model = root["model"] as? [String: Any],
              let decoder = model["decoder"] as? [String: Any]
        else { throw DecoderError("\(file.path): not a genai config with model.decoder") }
        func count(_ map: [String: Any], _ key: String, _ range: ClosedRange<Int>) throws(DecoderError) -> Int {
            guard let value = map[key] as? Int, range.contains(value) else {
                throw DecoderError("genai_config.json: '\(key)' is missing or outside \(range)")
            }
            return value
        }
        let inputs = decoder["inputs"] as? [String: Any] ?? [:]
        let outputs = decoder["outputs"] as? [String: Any] ?? [:]
        let eos: [Int32]
        if let one = model["eos_token_id"] as? Int {
            eos = [Int32(truncatingIfNeeded: one)]
        } else if let many = model["eos_token_id"] as? [Int] {
            eos = many.map { Int32(truncatingIfNeeded: $0) }
        } else {
            eos = []
        }
        let heads = try count(decoder, "num_attention_heads", 1...4096)
        let hidden = decoder["hidden_size"] as? Int
        return DecoderConfig(
            filename: decoder["filename"] as? String ?? "model.onnx",
            inputIDs: inputs["input_ids"] as? String ?? "input_ids",
            attentionMask: inputs["attention_mask"] as? String ?? "attention_mask",
            pastKey: inputs["past_key_names"] as? String ?? "past_key_values.%d.key",
            pastValue: inputs["past_value_names"] as? String ?? "past_key_values.%d.value",
            logits: outputs["logits"] as? String ?? "logits",
            presentKey: outputs["present_key_names"] as? String ?? "present.%d.key",
            presentValue: outputs["present_value_names"] as? String ?? "present.%d.value",
            layers: try count(decoder, "num_hidden_layers", 1...4096),
            kvHeads: (decoder["num_key_value_heads"] as? Int) ?? heads,
            headSize: (decoder["head_size"] as? Int) ?? (hidden ?? heads) / heads,
            vocabularySize: try count(model, "vocab_size", 1...(1 << 24)),
            contextLength: try count(model, "context_length", 1...(1 << 24)),
            eosTokenIDs: eos)
    }

    /// The name of layer `layer` in a `%d` template.
    static func name(_ template: String, layer: Int) -> String {
        template.replacingOccurrences(of: "%d", with: String(layer))
    }
}

/// Why the decode engine cannot serve a folder, or a step failed (one line).
public struct DecoderError: Error, Sendable, Equatable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
