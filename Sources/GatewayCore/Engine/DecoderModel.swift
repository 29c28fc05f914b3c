import Foundation
import ONNXRuntime

/// A genai-format decoder run through the raw ONNX Runtime session, with the KV cache in our own buffers
/// (`KVCache`) bound as both past and present: the base of the decode engine (prefix reuse across requests, rows of
/// different lengths in one step). Blocking: call it from the engine's own thread.
public final class DecoderModel: @unchecked Sendable {
    public let config: DecoderConfig
    public let session: OrtSession
    /// Longest prompt chunk run in one call (bounds the logits buffer: chunk × vocabulary floats).
    public static let maxChunk = 256

    public init(directory: URL, runtime: OrtRuntime, configuration: SessionConfiguration) throws {
        let config = try DecoderConfig.load(directory: directory)
        self.config = config
        session = try OrtSession(runtime: runtime, modelPath: directory.appendingPathComponent(config.filename).path,
                                 configuration: configuration)
        let names = Set(session.inputs.map(\.name))
        for needed in [config.inputIDs, config.attentionMask, DecoderConfig.name(config.pastKey, layer: 0)]
        where !names.contains(needed) {
            throw DecoderError("\(config.filename) has no input '\(needed)'; the engine cannot run this graph")
        }
    }

    /// Runs `tokens` for cache row `row`, which holds `past` positions already, and returns the logits of the last
    /// position. Long prompts run in chunks of `maxChunk`.
    public func forward(tokens: [Int32], row: Int, past: Int, cache: KVCache) throws -> [Float] {
        guard !tokens.isEmpty else { throw DecoderError("no tokens to run") }
        guard (0..<cache.rows).contains(row), past >= 0, past <= cache.maxLength - tokens.count else {
            throw DecoderError("row \(row) with \(past) cached and \(tokens.count) new tokens does not fit a cache of "
                                   + "\(cache.rows) rows × \(cache.maxLength) positions")
        }
        var done = 0
        var logits: [Float] = []
        while done < tokens.count {
            let chunk = Array(tokens[done..<min(tokens.count, done + Self.maxChunk)])
            logits = try run(tokens: chunk, rows: row..<(row + 1), pasts: [past + done], cache: cache)[0]
            done += chunk.count
        }
        return logits
    }

    /// One decoding step for the consecutive cache rows `rows`: `tokens[i]` is row i's next token and `pasts[i]` the
    /// positions its cache holds. Rows of any lengths share the step; each row's logits are what it would get
    /// alone.
    public func decode(tokens: [Int32], rows: Range<Int>, pasts: [Int], cache: KVCache) throws -> [[Float]] {
        guard tokens.count == rows.count, pasts.count == rows.count, rows.lowerBound >= 0,
              rows.upperBound <= cache.rows, !rows.isEmpty
        else { throw DecoderError("decode: \(tokens.count) tokens and \(pasts.count) lengths for rows \(rows)") }
        guard pasts.allSatisfy({ $0 >= 0 && $0 < cache.maxLength }) else {
            throw DecoderError("decode: a row's cache is full (\(cache.maxLength) positions)")
        }
        return try run(tokens: tokens, rows: rows, pasts: pasts, cache: cache, oneTokenPerRow: true)
    }

    /// Binds and runs one call: either `tokens` for the single row of `rows`, or (`oneTokenPerRow`) one token per
    /// row. Returns each row's last-position logits.
    private func run(tokens: [Int32], rows: Range<Int>, pasts: [Int], cache: KVCache, oneTokenPerRow: Bool = false)
        throws -> [[Float]]
    {
        let batch = rows.count
        let sequence = oneTokenPerRow ? 1 : tokens.count
        let width = (pasts.max() ?? 0) + sequence
        var ids = tokens.map(Int64.init)
        var mask = [Int64](repeating: 0, count: batch * width)
        for (index, past) in pasts.enumerated() {
            for position in 0..<(past + sequence) { mask[index * width + position] = 1 }
        }
        let vocabulary = config.vocabularySize
        var logits = [Float](unsafeUninitializedCapacity: batch * sequence * vocabulary) { _, count in
            count = batch * sequence * vocabulary
        }
        let kvShape = [batch, config.kvHeads, cache.maxLength, config.headSize]
        try ids.withUnsafeMutableBytes { idBytes in
            try mask.withUnsafeMutableBytes { maskBytes in
                try logits.withUnsafeMutableBytes { logitBytes in
                    guard let idBase = idBytes.baseAddress, let maskBase = maskBytes.baseAddress,
                          let logitBase = logitBytes.baseAddress
                    else { throw DecoderError("empty buffers") }
                    var inputs = [
                        BoundTensor(name: config.inputIDs, data: idBase, type: .int64, shape: [batch, sequence]),
                        BoundTensor(name: config.attentionMask, data: maskBase, type: .int64, shape: [batch, width]),
                    ]
                    var outputs = [BoundTensor(name: config.logits, data: logitBase, type: .float,
                                               shape: [batch, sequence, vocabulary])]
                    for layer in 0..<config.layers {
                        for key in [true, false] {
                            let data = cache.pointer(layer: layer, row: rows.lowerBound, key: key)
                            inputs.append(BoundTensor(
                                name: DecoderConfig.name(key ? config.pastKey : config.pastValue, layer: layer),
                                data: data, type: .float, shape: kvShape))
                            outputs.append(BoundTensor(
                                name: DecoderConfig.name(key ? config.presentKey : config.presentValue, layer: layer),
                                data: data, type: .float, shape: kvShape))
                        }
                    }
                    try session.run(inputs: inputs, outputs: outputs)
                }
            }
        }
        return (0..<batch).map { index in
            let start = (index * sequence + sequence - 1) * vocabulary
            return Array(logits[start..<(start + vocabulary)])
        }
    }
}
