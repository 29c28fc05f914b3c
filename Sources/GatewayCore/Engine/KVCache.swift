/// The KV cache of one model: per layer, one key and one value buffer of `[rows, kvHeads, maxLength, headSize]`
/// floats. Row r of a buffer is a contiguous block, so a row runs alone by binding its slice, and rows run together
/// by binding the whole buffer. Bound as both the graph's `past` input and its `present` output, a buffer is
/// updated in place: GroupQueryAttention writes each row's new keys and values at that row's own length.
public final class KVCache: @unchecked Sendable {
    public let rows: Int
    public let maxLength: Int
    public let kvHeads: Int
    public let headSize: Int
    public let layers: Int
    /// Floats in one row of one buffer.
    let rowFloats: Int
    private let keys: [UnsafeMutablePointer<Float>]
    private let values: [UnsafeMutablePointer<Float>]

    /// Bytes a cache of this shape takes.
    public static func bytes(rows: Int, maxLength: Int, config: DecoderConfig) -> Int {
        rows * maxLength * config.kvHeads * config.headSize * config.layers * 2 * MemoryLayout<Float>.size
    }

    public init(rows: Int, maxLength: Int, config: DecoderConfig) {
        self.rows = max(1, rows)
        self.maxLength = max(1, maxLength)
        self.kvHeads = config.kvHeads
        self.headSize = config.headSize
        self.layers = config.layers
        rowFloats = kvHeads * self.maxLength * headSize
        let total = self.rows * rowFloats
        func buffer() -> UnsafeMutablePointer<Float> {
            let pointer = UnsafeMutablePointer<Float>.allocate(capacity: total)
            pointer.initialize(repeating: 0, count: total)
            return pointer
        }
        keys = (0..<layers).map { _ in buffer() }
        values = (0..<layers).map { _ in buffer() }
    }

    deinit {
        for pointer in keys + values { pointer.deallocate() }
    }

    /// The start of `row` (and the rows after it) in layer `layer`'s key or value buffer.
    func pointer(layer: Int, row: Int, key: Bool) -> UnsafeMutableRawPointer {
        UnsafeMutableRawPointer((key ? keys : values)[layer] + row * rowFloats)
    }

    /// Copies the first `length` positions of row `source` into row `target` (every layer, keys and values).
    public func copyRow(_ source: Int, to target: Int, length: Int) {
        guard source != target, (0..<rows).contains(source), (0..<rows).contains(target) else { return }
        let length = min(max(0, length), maxLength)
        for layer in 0..<layers {
            for buffer in [keys[layer], values[layer]] {
                for head in 0..<kvHeads {
                    let offset = head * maxLength * headSize
                    (buffer + target * rowFloats + offset).update(from: buffer + source * rowFloats + offset,
                                                                   count: length * headSize)
                }
            }
        }
    }
}
