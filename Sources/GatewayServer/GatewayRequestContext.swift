import Foundation
import GatewayCore
import Hummingbird
import NIOCore

/// The request context of every route: Hummingbird's core storage, the connection (to notice a client that goes
/// away) and what the request log line reports about the request once it is known.
public struct GatewayRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The client's connection; closed when the client goes away.
    let channel: any Channel
    /// What the handler learns (model, tokens) for the request's log line and metrics.
    let info: RequestInfo

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        channel = source.channel
        info = RequestInfo()
    }
}

/// Facts about one request that its handler fills in and the log middleware reads, possibly after the handler
/// returned (a stream's tokens are known only when it ends).
final class RequestInfo: Sendable {
    private let values = LockedValue(Values())

    struct Values {
        var model: String?
        var promptTokens: Int?
        var completionTokens: Int?
        var body: String?
        var output: String?
    }

    func update(_ change: (inout Values) -> Void) {
        values.withLock(change)
    }

    var snapshot: Values { values.withLock { $0 } }
}
