/// A request's hold on a loaded model: while any lease on it lives, the model is never unloaded (except by a forced
/// unload). `release()` ends it; dropping the last reference ends it too, so a request that fails half-way
/// cannot leak one.
public final class ModelLease<Value: Sendable>: Sendable {
    public let value: Value
    /// The catalog entry of the model (its id, settings and context length).
    public let entry: ModelEntry
    private let releaser: LockedValue<(@Sendable () -> Void)?>

    init(value: Value, entry: ModelEntry, release: @escaping @Sendable () -> Void) {
        self.value = value
        self.entry = entry
        self.releaser = LockedValue(release)
    }

    /// Ends the lease (again: nothing).
    public func release() {
        let release = releaser.withLock { current -> (@Sendable () -> Void)? in
            defer { current = nil }
            return current
        }
        release?()
    }

    deinit { release() }
}
