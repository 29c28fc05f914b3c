/// A wall-clock deadline for one render, polled from the renderer's step
/// counter and from inner loops whose cost grows with the size of the data
/// (substring search, deep comparison, nesting checks, `unique`, `sum`).
///
/// A template's step budget counts nodes, not work, so a single step can scan
/// millions of items; the deadline bounds the whole render no matter where the
/// time goes. It is a class so every helper shares one meter without inout
/// plumbing (and without exclusivity checks on the renderer).
final class WorkMeter {
    /// How many units of work pass between clock reads in `add`.
    static let pollInterval = 4096

    let deadline: ContinuousClock.Instant
    private var pending = 0

    init(seconds: Double) {
        deadline = ContinuousClock.now.advanced(by: .milliseconds(Int64(max(0, seconds) * 1000)))
    }

    /// Throws once the deadline has passed.
    func check() throws {
        pending = 0
        if ContinuousClock.now >= deadline { throw TemplateError("template rendering took too long") }
    }

    /// Records `units` of work, reading the clock once per `pollInterval` units.
    @inline(__always)
    func add(_ units: Int = 1) throws {
        pending &+= units
        if pending >= Self.pollInterval { try check() }
    }
}
