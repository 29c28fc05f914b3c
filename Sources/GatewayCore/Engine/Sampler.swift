#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Chooses one row's next token from its logits, in Swift, with state of its own (a seeded random generator and
/// the counts penalties need), so the choice never depends on what else runs in the batch.
///
/// Order, as Hugging Face applies its processors: `logit_bias` is added, presence and frequency penalties are
/// subtracted (OpenAI's formula), then, when sampling, the logits are divided by the temperature and filtered by
/// top-k, top-p and min-p (each on the tempered distribution) before one token is drawn. Log-probabilities are
/// reported from the biased and penalised logits, before the temperature, as OpenAI reports them.
public struct Sampler: Sendable {
    public let parameters: GenerationParameters
    private var random: SplitMix64
    /// How often each generated token has appeared (for the penalties).
    private(set) var counts: [Int32: Int] = [:]
    /// Tokens that take part in a draw: those whose probability is at least this fraction of the best one's. Their
    /// total weight below it is under vocabulary × 1e-12, so the draw is the same as over the whole vocabulary for
    /// any practical purpose, and the sort stays short.
    static let negligible = Float(-27.6)  // ln(1e-12)

    public init(parameters: GenerationParameters) {
        self.parameters = parameters
        var seeder = SystemRandomNumberGenerator()
        random = SplitMix64(seed: parameters.seed ?? seeder.next())
    }

    /// Whether this row draws at random (false: the most likely token is taken).
    public var samples: Bool { !parameters.isGreedy && (parameters.temperature ?? 1) > 0 }

    /// Whether the logits are changed before the choice (bias or penalties).
    var adjusts: Bool {
        !parameters.logitBias.isEmpty || parameters.presencePenalty != 0 || parameters.frequencyPenalty != 0
    }

    /// Applies bias and penalties to `logits` in place, chooses the next token and records it for the penalties.
    public mutating func choose(_ logits: inout [Float]) -> Int32 {
        logits.withUnsafeMutableBufferPointer { choose($0) }
    }

    /// As `choose(_:)` on a buffer (the engine's logits, no copy).
    public mutating func choose(_ logits: UnsafeMutableBufferPointer<Float>) -> Int32 {
        adjust(logits)
        let token = samples ? draw(UnsafeBufferPointer(logits)) : Self.argmax(UnsafeBufferPointer(logits))
        counts[token, default: 0] += 1
        return token
    }

    /// `logit_bias` and the penalties, in place.
    func adjust(_ logits: UnsafeMutableBufferPointer<Float>) {
        guard adjusts else { return }
        for (token, bias) in parameters.logitBias {
            let index = Int(token)
            if index >= 0, index < logits.count { logits[index] += Float(bias) }
        }
        LogitsMath.applyPenalties(logits, counts: counts, presence: parameters.presencePenalty,
                                  frequency: parameters.frequencyPenalty)
    }

    static func argmax(_ logits: UnsafeBufferPointer<Float>) -> Int32 {
        var best = 0
        var value = -Float.infinity
        for index in logits.indices where logits[index] > value {
            value = logits[index]
            best = index
        }
        return Int32(best)
    }

    /// Temperature, top-k, top-p, min-p, then one draw from what is left. Candidates are kept in token order
    /// unless top-k or top-p needs them ranked (then best first, ties by token id), so the draw is reproducible.
    private mutating func draw(_ logits: UnsafeBufferPointer<Float>) -> Int32 {
        let temperature = Float(parameters.temperature ?? 1)
        var maximum = -Float.infinity
        for value in logits where value > maximum { maximum = value }
        guard maximum.isFinite else { return Self.argmax(logits) }
        // Scaled log-weights relative to the best token; only tokens above `negligible` take part.
        var tokens: [Int32] = []
        var weights: [Float] = []
        tokens.reserveCapacity(1024)
        weights.reserveCapacity(1024)
        for index in logits.indices {
            let scaled = (logits[index] - maximum) / temperature
            if scaled >= Self.negligible {
                tokens.append(Int32(index))
                weights.append(scaled)
            }
        }
        let topK = parameters.topK.map { max(1, $0) }
        let topP = parameters.topP.flatMap { $0 < 1 ? $0 : nil }
        if topP != nil || (topK.map { $0 < tokens.count } ?? false) {
            Self.rank(&tokens, &weights, keep: topK ?? tokens.count)
        }
        var probabilities = weights.map { Double(exp($0)) }
        var total = probabilities.reduce(0, +)
        if let topP {
            var kept = 0.0
            var count = 0
            while count < probabilities.count {
                kept += probabilities[count] / total
                count += 1
                if kept >= topP { break }
            }
            probabilities.removeLast(probabilities.count - count)
            total = probabilities.reduce(0, +)
        }
        if let minP = parameters.minP, minP > 0 {
            // The best token has weight 0 (probability 1 before normalising), so the threshold is min_p itself.
            for index in probabilities.indices where probabilities[index] < minP {
                total -= probabilities[index]
                probabilities[index] = 0
            }
        }
        var target = random.nextUnit() * total
        var last = 0
        for (index, probability) in probabilities.enumerated() where probability > 0 {
            target -= probability
            last = index
            if target < 0 { return tokens[index] }
        }
        return tokens.isEmpty ? Self.argmax(logits) : tokens[last]
    }

    /// Orders candidates (in token order) best first, ties by token id, and keeps the first `keep`. Sorts 64-bit
    /// keys (the weight's order-preserving bits, then the candidate's index) rather than tuples: it runs for every
    /// sampled token.
    static func rank(_ tokens: inout [Int32], _ weights: inout [Float], keep: Int) {
        var keys = [UInt64](repeating: 0, count: tokens.count)
        for index in tokens.indices {
            // Weights are <= 0: a larger weight has a smaller magnitude, whose bit pattern sorts first.
            let magnitude = weights[index] < 0 ? -weights[index] : Float(0)
            keys[index] = UInt64(magnitude.bitPattern) << 32 | UInt64(index)
        }
        keys.sort()
        let ranked = keys.prefix(min(max(1, keep), keys.count)).map { Int($0 & 0xFFFF_FFFF) }
        tokens = ranked.map { tokens[$0] }
        weights = ranked.map { weights[$0] }
    }
}

/// A small, fast, seedable random generator (Steele, Lea and Flood's SplitMix64): the same seed gives the same
/// sequence on every platform.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform value in [0, 1) with 53 random bits.
    public mutating func nextUnit() -> Double {
        Double(next() >> 11) * (1.0 / 9_007_199_254_740_992.0)
    }
}
