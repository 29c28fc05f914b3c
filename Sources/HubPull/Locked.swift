import Foundation

/// A value shared between tasks and dispatch threads, guarded by a lock (the package still supports macOS 14,
/// where `Synchronization.Mutex` is unavailable).
final class Locked<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value

    init(_ value: Value) {
        self.value = value
    }

    func withLock<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}
