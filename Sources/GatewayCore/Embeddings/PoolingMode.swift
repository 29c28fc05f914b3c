/// How token vectors become one sentence vector, as sentence-transformers' `1_Pooling/config.json` says.
public enum PoolingMode: String, Sendable, Equatable, CaseIterable {
    case mean
    case cls
    case max
    case meanSqrtLength = "mean_sqrt_len"
    case lastToken = "last_token"

    /// Pools `hidden` ([batch, sequence, width], row-major) under `mask` ([batch, sequence], 1 = real token) into
    /// one vector per row.
    public func pool(hidden: UnsafeBufferPointer<Float>, mask: [[Int64]], sequence: Int, width: Int) -> [[Float]] {
        mask.enumerated().map { row, rowMask in
            let base = row * sequence * width
            var out = [Float](repeating: 0, count: width)
            let real = rowMask.reduce(0) { $0 + Int($1) }
            switch self {
            case .cls:
                for k in 0..<width { out[k] = hidden[base + k] }
            case .lastToken:
                let last = rowMask.lastIndex(of: 1) ?? 0
                for k in 0..<width { out[k] = hidden[base + last * width + k] }
            case .max:
                out = [Float](repeating: -.greatestFiniteMagnitude, count: width)
                for position in 0..<sequence where rowMask[position] != 0 {
                    let offset = base + position * width
                    for k in 0..<width { out[k] = Swift.max(out[k], hidden[offset + k]) }
                }
            case .mean, .meanSqrtLength:
                for position in 0..<sequence where rowMask[position] != 0 {
                    let offset = base + position * width
                    for k in 0..<width { out[k] += hidden[offset + k] }
                }
                let divisor = self == .mean ? Float(Swift.max(real, 1)) : Float(Swift.max(real, 1)).squareRoot()
                for k in 0..<width { out[k] /= divisor }
            }
            return out
        }
    }
}

/// Vector helpers shared by the embedding path.
public enum VectorMath {
    /// Scales `vector` to unit L2 length (a zero vector stays zero).
    public static func normalize(_ vector: inout [Float]) {
        var sum: Float = 0
        for value in vector { sum += value * value }
        let norm = sum.squareRoot()
        guard norm > 0 else { return }
        let scale = 1 / Swift.max(norm, 1e-12)
        for index in vector.indices { vector[index] *= scale }
    }
}
