/// The per-step arithmetic on a row of logits: OpenAI's presence/frequency penalties and log-probabilities.
public enum LogitsMath {
    /// Applies OpenAI's penalties in place: `logit[t] -= count[t] * frequency + (count[t] > 0 ? presence : 0)` for
    /// every token `t` generated so far.
    public static func applyPenalties(_ logits: inout [Float], offset: Int = 0, counts: [Int32: Int],
                                      presence: Double, frequency: Double) {
        guard presence != 0 || frequency != 0, offset >= 0, offset <= logits.count else { return }
        logits.withUnsafeMutableBufferPointer { buffer in
            applyPenalties(UnsafeMutableBufferPointer(rebasing: buffer[offset...]), counts: counts,
                           presence: presence, frequency: frequency)
        }
    }

    /// The same on one row's logits in place (index = token id).
    public static func applyPenalties(_ logits: UnsafeMutableBufferPointer<Float>, counts: [Int32: Int],
                                      presence: Double, frequency: Double) {
        guard presence != 0 || frequency != 0 else { return }
        for (token, count) in counts where count > 0 {
            let index = Int(token)
            guard index >= 0, index < logits.count else { continue }
            logits[index] -= Float(Double(count) * frequency + presence)
        }
    }

    /// Log-softmax of `logits[range]` for `token`, and the `top` most likely tokens with theirs (best first).
    public static func logprobs(_ logits: [Float], range: Range<Int>, token: Int32, top: Int)
        -> (chosen: Double, top: [(token: Int32, logprob: Double)])
    {
        var maximum = -Float.infinity
        for index in range where logits[index] > maximum { maximum = logits[index] }
        var sum = 0.0
        for index in range { sum += exp(Double(logits[index] - maximum)) }
        let logSum = Double(maximum) + log(sum)
        let chosen = Double(logits[range.lowerBound + Int(token)]) - logSum
        guard top > 0 else { return (chosen, []) }
        var best: [(token: Int32, logit: Float)] = []
        best.reserveCapacity(top + 1)
        for index in range {
            let value = logits[index]
            if best.count < top || value > best[best.count - 1].logit {
                let entry = (token: Int32(index - range.lowerBound), logit: value)
                let position = best.firstIndex { $0.logit < value } ?? best.count
                best.insert(entry, at: position)
                if best.count > top { best.removeLast() }
            }
        }
        return (chosen, best.map { ($0.token, Double($0.logit) - logSum) })
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
