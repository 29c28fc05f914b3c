import Foundation

/// How long a model stays loaded after its last request ends, as Ollama's `keep_alive`: a number of seconds,
/// a negative number for ever, 0 to unload as soon as it is idle; also written as a duration (`5m`, `1h30m`,
/// `90s`, `500ms`).
public enum KeepAlive: Sendable, Equatable, CustomStringConvertible {
    case forever
    /// Seconds (0 = unload when idle); never negative, at most `maxSeconds`.
    case seconds(Double)

    /// The default: five minutes, as Ollama.
    public static let standard = KeepAlive.seconds(300)
    /// The longest finite keep-alive accepted (about 31 years); anything longer is `-1`.
    public static let maxSeconds = 1e9

    /// A number of seconds: negative is for ever; not finite or over `maxSeconds` is nil.
    public static func seconds(value: Double) -> KeepAlive? {
        guard value.isFinite else { return nil }
        if value < 0 { return .forever }
        guard value <= maxSeconds else { return nil }
        return .seconds(value)
    }

    /// Parses `300`, `-1`, `0`, `2.5`, or a duration of number+unit parts (`h`, `m`, `s`, `ms`), e.g. `1h30m`.
    /// nil when it is none of these.
    public static func parse(_ text: String) -> KeepAlive? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let number = Double(trimmed), !trimmed.lowercased().contains("n"), !trimmed.lowercased().contains("i") {
            return seconds(value: number)
        }
        var rest = Substring(trimmed)
        var negative = false
        if rest.first == "-" {
            negative = true
            rest = rest.dropFirst()
        }
        guard !rest.isEmpty else { return nil }
        var total = 0.0
        while !rest.isEmpty {
            let digits = rest.prefix { $0.isASCII && ($0.isNumber || $0 == ".") }
            guard !digits.isEmpty, digits.count <= 20, let number = Double(digits) else { return nil }
            rest = rest.dropFirst(digits.count)
            let unit = rest.prefix { $0.isASCII && $0.isLetter }
            rest = rest.dropFirst(unit.count)
            switch unit {
            case "h": total += number * 3600
            case "m": total += number * 60
            case "s": total += number
            case "ms": total += number / 1000
            default: return nil
            }
        }
        return seconds(value: negative ? -total : total)
    }

    /// `-1` for ever, else seconds.
    public var description: String {
        switch self {
        case .forever: "-1"
        case .seconds(let seconds): seconds == seconds.rounded() ? "\(Int(seconds))s" : "\(seconds)s"
        }
    }

    /// The keep-alive in seconds for a JSON report: -1 for ever.
    public var reportedSeconds: Double {
        switch self {
        case .forever: -1
        case .seconds(let seconds): seconds
        }
    }
}
