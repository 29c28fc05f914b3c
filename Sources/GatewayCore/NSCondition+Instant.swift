import Foundation

extension NSCondition {
    /// Waits (the lock held, as `wait()` requires) until signalled or until `instant` of `clock` has passed.
    func wait(until instant: ContinuousClock.Instant, clock: ContinuousClock) {
        let seconds = Double((instant - clock.now) / .microseconds(1)) / 1_000_000
        if seconds > 0 { _ = wait(until: Date(timeIntervalSinceNow: seconds)) }
    }
}
