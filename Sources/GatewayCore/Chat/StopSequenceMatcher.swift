/// Finds stop strings in generated text across token boundaries. Text that could still be the start of a stop
/// string is held back until it is known not to be one, so a stop string is never emitted.
public struct StopSequenceMatcher: Sendable {
    public let stops: [String]
    private var held = ""
    /// The stop string that matched, once one has.
    public private(set) var matched: String?

    public init(stops: [String]) {
        self.stops = stops.filter { !$0.isEmpty }
    }

    /// Feeds a new piece; returns the text safe to emit now and whether a stop string matched (then the text is
    /// everything before it and generation should end).
    public mutating func feed(_ piece: String) -> (emit: String, stopped: Bool) {
        guard !stops.isEmpty else { return (piece, false) }
        held += piece
        var earliest: String.Index?
        for stop in stops {
            if let range = held.range(of: stop), earliest.map({ range.lowerBound < $0 }) ?? true {
                earliest = range.lowerBound
                matched = stop
            }
        }
        if let earliest {
            let emit = String(held[..<earliest])
            held = ""
            return (emit, true)
        }
        // Hold back the longest suffix that is a proper prefix of some stop string.
        var keep = 0
        for stop in stops {
            let maxLength = min(stop.count - 1, held.count)
            guard maxLength > 0 else { continue }
            for length in stride(from: maxLength, to: keep, by: -1) where held.hasSuffix(String(stop.prefix(length))) {
                keep = length
                break
            }
        }
        let cut = held.index(held.endIndex, offsetBy: -keep)
        let emit = String(held[..<cut])
        held = String(held[cut...])
        return (emit, false)
    }

    /// Text still held back when generation ends for another reason (it was not a stop string after all).
    public mutating func flush() -> String {
        defer { held = "" }
        return held
    }
}
