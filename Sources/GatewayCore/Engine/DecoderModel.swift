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

    /// The KV inputs and outputs of every layer, named once: (past key, past value, present key, present value).
    private let layerNames: [(pastKey: String, pastValue: String, presentKey: String, presentValue: String)]
    /// Logits of the last run: room for `maxChunk` positions (or more rows), reused by every call and only touched
    /// as far as a run writes. Used by one thread at a time (the engine's).
    private var logitsBuffer: UnsafeMutablePointer<Float>?
    private var logitsCapacity = 0

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
        layerNames = (0..<config.layers).map { layer in
            (DecoderConfig.name(config.pastKey, layer: layer), DecoderConfig.name(config.pastValue, layer: layer),
             DecoderConfig.name(config.presentKey, layer: layer), DecoderConfig.name(config.presentValue, layer: layer))
        }
    }

    deinit {
        free(logitsBuffer)
    }

    /// Runs `tokens` for cache row `row`, which holds `past` positions already, and returns the logits of the last
    /// position. Long prompts run in chunks of `maxChunk`.
    public func forward(tokens: [Int32], row: Int, past: Int, cache: KVCache) throws -> [Float] {
        try forward(tokens: tokens, row: row, past: past, cache: cache) { Array($0) }
    }

    /// As `forward`, handing the last position's logits to `body` (valid only during the call).
    public func forward<T>(tokens: [Int32], row: Int, past: Int, cache: KVCache,
                           _ body: (UnsafeMutableBufferPointer<Float>) throws -> T) throws -> T {
        guard !tokens.isEmpty else { throw DecoderError("no tokens to run") }
        guard (0..<cache.rows).contains(row), past >= 0, past <= cache.maxLength - tokens.count else {
            throw DecoderError("row \(row) with \(past) cached and \(tokens.count) new tokens does not fit a cache of "
                                   + "\(cache.rows) rows × \(cache.maxLength) positions")
        }
        var done = 0
        var last: UnsafeMutablePointer<Float>?
        while done < tokens.count {
            let chunk = Array(tokens[done..<min(tokens.count, done + Self.maxChunk)])
            let logits = try run(tokens: chunk, rows: row..<(row + 1), pasts: [past + done], cache: cache)
            last = logits + (chunk.count - 1) * config.vocabularySize
            done += chunk.count
        }
        guard let last else { throw DecoderError("no tokens ran") }
        return try body(UnsafeMutableBufferPointer(start: last, count: config.vocabularySize))
    }

    /// One decoding step for the consecutive cache rows `rows`: `tokens[i]` is row i's next token and `pasts[i]` the
    /// positions its cache holds. Rows of any lengths share the step; each row's logits are what it would get
    /// alone.
    public func decode(tokens: [Int32], rows: Range<Int>, pasts: [Int], cache: KVCache) throws -> [[Float]] {
        try decode(tokens: tokens, rows: rows, pasts: pasts, cache: cache) { logits in
            (0..<rows.count).map { Array(logits($0)) }
        }
    }

    /// As `decode`, giving `body` a function from a row's index in `rows` to its logits (valid only during the call).
    public func decode<T>(tokens: [Int32], rows: Range<Int>, pasts: [Int], cache: KVCache,
                          _ body: ((Int) -> UnsafeMutableBufferPointer<Float>) throws -> T) throws -> T {
        guard tokens.count == rows.count, pasts.count == rows.count, rows.lowerBound >= 0,
              rows.upperBound <= cache.rows, !rows.isEmpty
        else { throw DecoderError("decode: \(tokens.count) tokens and \(pasts.count) lengths for rows \(rows)") }
        guard pasts.allSatisfy({ $0 >= 0 && $0 < cache.maxLength }) else {
            throw DecoderError("decode: a row's cache is full (\(cache.maxLength) positions)")
        }
        let logits = try run(tokens: tokens, rows: rows, pasts: pasts, cache: cache, oneTokenPerRow: true)
        let vocabulary = config.vocabularySize
        return try body { index in
            UnsafeMutableBufferPointer(start: logits + index * vocabulary, count: vocabulary)
        }
    }

    /// The reused logits buffer, grown to `floats` when needed.
    private func logitsStorage(floats: Int) throws -> UnsafeMutablePointer<Float> {
        if let logitsBuffer, logitsCapacity >= floats { return logitsBuffer }
        free(logitsBuffer)
        logitsBuffer = nil
        let capacity = max(floats, Self.maxChunk * config.vocabularySize)
        guard let buffer = calloc(capacity, MemoryLayout<Float>.stride)?.assumingMemoryBound(to: Float.self) else {
            throw DecoderError("cannot allocate \(capacity) floats of logits")
        }
        logitsBuffer = buffer
        logitsCapacity = capacity
        return buffer
    }

    /// Binds and runs one call: either `tokens` for the single row of `rows`, or (`oneTokenPerRow`) one token per
    /// row. Returns the logits buffer: `[rows, sequence, vocabulary]`.
    private func run(tokens: [Int32], rows: Range<Int>, pasts: [Int], cache: KVCache, oneTokenPerRow: Bool = false)
        throws -> UnsafeMutablePointer<Float>
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
        let logits = try logitsStorage(floats: batch * sequence * vocabulary)
        let kvShape = [batch, config.kvHeads, cache.maxLength, config.headSize]
        try ids.withUnsafeMutableBytes { idBytes in
            try mask.withUnsafeMutableBytes { maskBytes in
                guard let idBase = idBytes.baseAddress, let maskBase = maskBytes.baseAddress else {
                    throw DecoderError("empty buffers")
                }
                var inputs = [
                    BoundTensor(name: config.inputIDs, data: idBase, type: .int64, shape: [batch, sequence]),
                    BoundTensor(name: config.attentionMask, data: maskBase, type: .int64, shape: [batch, width]),
                ]
                var outputs = [BoundTensor(name: config.logits, data: UnsafeMutableRawPointer(logits), type: .float,
                                           shape: [batch, sequence, vocabulary])]
                inputs.reserveCapacity(2 + 2 * config.layers)
                outputs.reserveCapacity(1 + 2 * config.layers)
                for (layer, names) in layerNames.enumerated() {
                    let key = cache.pointer(layer: layer, row: rows.lowerBound, key: true)
                    let value = cache.pointer(layer: layer, row: rows.lowerBound, key: false)
                    inputs.append(BoundTensor(name: names.pastKey, data: key, type: .float, shape: kvShape))
                    inputs.append(BoundTensor(name: names.pastValue, data: value, type: .float, shape: kvShape))
                    outputs.append(BoundTensor(name: names.presentKey, data: key, type: .float, shape: kvShape))
                    outputs.append(BoundTensor(name: names.presentValue, data: value, type: .float, shape: kvShape))
                }
                try session.run(inputs: inputs, outputs: outputs)
            }
        }
        return logits
    }
}
