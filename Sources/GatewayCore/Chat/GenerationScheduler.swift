import Foundation

/// Admission of generations as a pure state machine: at most `maxParallel` run at once, at most `maxQueued`
/// wait (first come, first served), the rest are refused. Events in, decisions out; the owner does the waiting.
public struct GenerationSchedulerState: Sendable, Equatable {
    /// What to do with a newly submitted generation.
    public enum Admission: Sendable, Equatable {
        case run
        case wait
        case reject
    }

    public let maxParallel: Int
    public let maxQueued: Int
    public private(set) var running: Set<UInt64> = []
    public private(set) var queue: [UInt64] = []

    public init(maxParallel: Int, maxQueued: Int) {
        precondition(maxParallel > 0 && maxQueued >= 0)
        self.maxParallel = maxParallel
        self.maxQueued = maxQueued
    }

    public mutating func submit(_ id: UInt64) -> Admission {
        if running.count < maxParallel && queue.isEmpty {
            running.insert(id)
            return .run
        }
        guard queue.count < maxQueued else { return .reject }
        queue.append(id)
        return .wait
    }

    /// A running generation ended (or a waiting one gave up); returns the waiting ones that may start now.
    public mutating func remove(_ id: UInt64) -> [UInt64] {
        if running.remove(id) == nil {
            queue.removeAll { $0 == id }
        }
        var started: [UInt64] = []
        while running.count < maxParallel, !queue.isEmpty {
            let next = queue.removeFirst()
            running.insert(next)
            started.append(next)
        }
        return started
    }
}

/// Owns a `GenerationSchedulerState` and parks waiting generations until a slot frees. A full queue is a 429;
/// a waiting task that is cancelled leaves the queue.
public final class GenerationScheduler: @unchecked Sendable {
    private let lock = NSLock()
    private var state: GenerationSchedulerState
    private var waiters: [UInt64: CheckedContinuation<Void, any Error>] = [:]
    private var cancelledEarly: Set<UInt64> = []
    private var nextID: UInt64 = 0

    public init(maxParallel: Int, maxQueued: Int) {
        state = GenerationSchedulerState(maxParallel: maxParallel, maxQueued: maxQueued)
    }

    /// Generations running now.
    public var activeCount: Int { locked { state.running.count } }
    /// Generations waiting for a slot.
    public var queuedCount: Int { locked { state.queue.count } }

    /// Waits for a slot and returns its ticket; throws 429 when the queue is full, `CancellationError` when the
    /// task is cancelled while waiting.
    public func acquire() async throws -> UInt64 {
        let id = locked { () -> UInt64 in
            nextID += 1
            return nextID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let admission = locked { () -> GenerationSchedulerState.Admission? in
                    if cancelledEarly.remove(id) != nil { return nil }
                    let admission = state.submit(id)
                    if admission == .wait { waiters[id] = continuation }
                    return admission
                }
                switch admission {
                case nil: continuation.resume(throwing: CancellationError())
                case .run: continuation.resume()
                case .wait: break
                case .reject:
                    continuation.resume(throwing: GatewayError(
                        .rateLimited, "Too many requests: every generation slot is busy and the queue is full; "
                            + "retry shortly", code: "rate_limit_exceeded"))
                }
            }
        } onCancel: {
            let (waiter, started) = locked { () -> (CheckedContinuation<Void, any Error>?, [UInt64]) in
                guard let waiter = waiters.removeValue(forKey: id) else {
                    if !state.running.contains(id) { cancelledEarly.insert(id) }
                    return (nil, [])
                }
                return (waiter, state.remove(id))
            }
            waiter?.resume(throwing: CancellationError())
            resume(started)
        }
        return id
    }

    /// Frees the slot of `ticket`, starting the next waiting generation.
    public func release(_ ticket: UInt64) {
        resume(locked { state.remove(ticket) })
    }

    private func resume(_ ids: [UInt64]) {
        let continuations = locked { ids.compactMap { waiters.removeValue(forKey: $0) } }
        for continuation in continuations { continuation.resume() }
    }

    private func locked<T>(_ body: () -> T) -> T {
        lock.lock()
        defer { lock.unlock() }
        return body()
    }
}
