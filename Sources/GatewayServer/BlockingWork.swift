import Dispatch

/// Runs blocking calls (chat-template rendering and tokenization through C libraries, long tokenizations) on a
/// dispatch queue of their own, never on a NIO event loop nor on Swift's cooperative pool.
enum BlockingWork {
    private static let queue = DispatchQueue(label: "ai-gateway.blocking", qos: .userInitiated, attributes: .concurrent)

    static func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async { continuation.resume(with: Result { try work() }) }
        }
    }
}
