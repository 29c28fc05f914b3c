import Foundation

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
        // calloc: the system hands out zeroed pages only when first written, so resident memory grows with the
        // positions rows actually use, not with the whole budget. (A failed allocation leaves an empty buffer list,
        // which `isAllocated` reports.)
        func buffer() -> UnsafeMutablePointer<Float>? {
            calloc(total, MemoryLayout<Float>.stride)?.assumingMemoryBound(to: Float.self)
        }
        let keys = (0..<layers).compactMap { _ in buffer() }
        let values = (0..<layers).compactMap { _ in buffer() }
        if keys.count == layers && values.count == layers {
            self.keys = keys
            self.values = values
        } else {
            for pointer in keys + values { free(pointer) }
            self.keys = []
            self.values = []
        }
    }

    /// False when the system could not provide the memory (the engine then refuses to start).
    public var isAllocated: Bool { keys.count == layers && values.count == layers }

    deinit {
        for pointer in keys + values { free(pointer) }
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
