import Foundation

/// How much memory loaded models may take: a number of bytes or a percentage of the machine's physical memory
/// (the cgroup's limit when it is lower).
public enum MemoryBudget: Sendable, Equatable, CustomStringConvertible {
    case bytes(Int)
    case percent(Double)

    /// The default: 80% of physical memory.
    public static let standard = MemoryBudget.percent(80)

    /// Parses `80%`, `12000000000`, or a size with a unit (`512MiB`, `8GiB`, `8G`, `1.5GB`; K/M/G/T, binary or
    /// decimal). nil when it is none of these, or out of range (0 < percent ≤ 100, 1 MiB ≤ bytes ≤ 2^50).
    public static func parse(_ text: String) -> MemoryBudget? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.hasSuffix("%") {
            guard let value = Double(trimmed.dropLast().trimmingCharacters(in: .whitespaces)), value.isFinite,
                  value > 0, value <= 100
            else { return nil }
            return .percent(value)
        }
        let digits = trimmed.prefix { $0.isASCII && ($0.isNumber || $0 == ".") }
        guard !digits.isEmpty, digits.count <= 24, let number = Double(digits), number.isFinite else { return nil }
        let unit = trimmed.dropFirst(digits.count).trimmingCharacters(in: .whitespaces).lowercased()
        let multipliers: [String: Double] = [
            "": 1, "b": 1,
            "k": 1024, "kib": 1024, "kb": 1000,
            "m": 1_048_576, "mib": 1_048_576, "mb": 1_000_000,
            "g": 1_073_741_824, "gib": 1_073_741_824, "gb": 1_000_000_000,
            "t": 1_099_511_627_776, "tib": 1_099_511_627_776, "tb": 1_000_000_000_000,
        ]
        guard let multiplier = multipliers[unit] else { return nil }
        let bytes = number * multiplier
        guard bytes >= 1_048_576, bytes <= Double(1 << 50) else { return nil }
        return .bytes(Int(bytes))
    }

    /// The budget in bytes on a machine with `physical` bytes of memory.
    public func bytes(physical: Int) -> Int {
        switch self {
        case .bytes(let bytes): bytes
        case .percent(let percent): Int(Double(physical) * percent / 100)
        }
    }

    public var description: String {
        switch self {
        case .bytes(let bytes): "\(bytes)"
        case .percent(let percent): percent == percent.rounded() ? "\(Int(percent))%" : "\(percent)%"
        }
    }
}
