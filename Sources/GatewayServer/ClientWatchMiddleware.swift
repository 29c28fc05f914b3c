import GatewayCore
import Hummingbird
import NIOCore

/// Runs each handler beside a watcher that cancels it when the client's connection closes or the request's time
/// limit passes, so a non-streaming generation (or a queued embedding) stops before its next token once nobody
/// waits for it. Streams watch for both themselves while they write (see `SSEStream`).
struct ClientWatchMiddleware: RouterMiddleware {
    typealias Context = GatewayRequestContext
    /// The request time limit; nil: none.
    let timeout: Duration?
    /// How often the connection is checked.
    static let pollInterval: Duration = .milliseconds(50)

    func handle(_ request: Request, context: Context,
                next: (Request, Context) async throws -> Response) async throws -> Response {
        let deadline = timeout.map { ContinuousClock.now + $0 }
        return try await withoutActuallyEscaping(next) { next in
            let work = UnsafeTransfer(next)
            return try await withThrowingTaskGroup(of: Response?.self) { group in
                group.addTask { try await work.value(request, context) }
                group.addTask {
                    // Returns nil when the client left; throws `timedOut` when time ran out. A connection that
                    // was never active (the in-process test client's) is not watched.
                    let watchConnection = context.channel.isActive
                    while true {
                        if let deadline, ContinuousClock.now >= deadline {
                            throw ServingError(.timedOut, "The request took longer than the server's limit")
                        }
                        try await Task.sleep(for: Self.pollInterval)
                        if watchConnection, await Self.clientGone(context.channel) { return nil }
                    }
                }
                defer { group.cancelAll() }
                guard let first = try await group.next(), let response = first else { throw CancellationError() }
                return response
            }
        }
    }
}

extension ClientWatchMiddleware {
    /// Whether the client has closed its end. While a request is handled the HTTP pipeline reads nothing more
    /// from the connection, so a close does not surface as an event; the kernel knows, though: on Linux the TCP
    /// state (the first byte of `TCP_INFO`) leaves ESTABLISHED once the peer's FIN or RST arrives.
    static func clientGone(_ channel: any Channel) async -> Bool {
        guard channel.isActive else { return true }
        #if os(Linux)
        let tcpInfo = ChannelOptions.Types.SocketOption(level: 6 /* IPPROTO_TCP */, name: 11 /* TCP_INFO */)
        guard let value = try? await channel.getOption(tcpInfo).get() else { return false }
        let state = withUnsafeBytes(of: value) { $0[0] }
        return state != 1  // TCP_ESTABLISHED
        #else
        return false
        #endif
    }
}

/// Carries a non-Sendable value into a child task that finishes before the value's scope ends.
struct UnsafeTransfer<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
