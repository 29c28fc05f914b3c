import Foundation

/// What a sentence-transformers model folder says about how to run it: the ONNX file, pooling, normalisation
/// and the longest input in tokens.
public struct EmbeddingModelConfiguration: Sendable, Equatable {
    public var modelFile: URL
    public var pooling: PoolingMode
    /// True when `modules.json` lists a Normalize module.
    public var normalize: Bool
    /// `max_seq_length` from `sentence_bert_config.json`, else nil (the tokenizer's own limit applies).
    public var maxSequenceLength: Int?

    /// Reads `model.onnx` (or `onnx/model.onnx`), `1_Pooling/config.json`, `modules.json` and
    /// `sentence_bert_config.json` from `directory`. A missing pooling config means mean pooling.
    public static func read(directory: URL) throws -> EmbeddingModelConfiguration {
        let manager = FileManager.default
        let candidates = ["model.onnx", "onnx/model.onnx"].map { directory.appendingPathComponent($0) }
        guard let modelFile = candidates.first(where: { manager.fileExists(atPath: $0.path) }) else {
            throw ServingError.unavailable("model folder \(directory.path) has no model.onnx or onnx/model.onnx")
        }
        func json(_ name: String) throws -> Any? {
            let url = directory.appendingPathComponent(name)
            guard let data = manager.contents(atPath: url.path) else { return nil }
            do {
                return try JSONSerialization.jsonObject(with: data)
            } catch {
                throw ServingError.unavailable("\(url.path) is not valid JSON")
            }
        }
        var pooling = PoolingMode.mean
        if let config = try json("1_Pooling/config.json") as? [String: Any] {
            let flags: [(String, PoolingMode)] = [
                ("pooling_mode_cls_token", .cls), ("pooling_mode_lasttoken", .lastToken),
                ("pooling_mode_max_tokens", .max), ("pooling_mode_mean_sqrt_len_tokens", .meanSqrtLength),
                ("pooling_mode_mean_tokens", .mean),
            ]
            let chosen = flags.filter { config[$0.0] as? Bool == true }.map(\.1)
            guard chosen.count <= 1 else {
                throw ServingError.unavailable(
                    "\(directory.lastPathComponent): combined pooling modes (\(chosen.map(\.rawValue))) are not supported")
            }
            pooling = chosen.first ?? .mean
        }
        var normalize = false
        if let modules = try json("modules.json") as? [[String: Any]] {
            normalize = modules.contains { ($0["type"] as? String)?.hasSuffix(".Normalize") == true }
        }
        let sentenceConfig = try json("sentence_bert_config.json") as? [String: Any]
        let maxSequence = (sentenceConfig?["max_seq_length"] as? Int).flatMap { $0 > 0 ? $0 : nil }
        return EmbeddingModelConfiguration(modelFile: modelFile, pooling: pooling, normalize: normalize,
                                           maxSequenceLength: maxSequence)
    }
}
