import GatewayCore
import Logging
import ServiceLifecycle

/// The model manager as a Service: it runs the keep-alive clock until shutdown, then (after the HTTP server, listed
/// after it, has drained) stops every model's threads, waits for them and releases every model.
struct ModelManagerService: Service {
    let manager: ModelManager

    func run() async throws {
        await cancelWhenGracefulShutdown { await manager.runTimers() }
        await manager.shutdown()
    }
}

/// Bounds a shutdown's grace period: told first on SIGTERM/SIGINT (list it last), it returns at once so the HTTP
/// server starts draining, and `grace` seconds later stops every generation still running (they end as `length`,
/// streams with their final chunk and `[DONE]`) so the drain can finish.
public struct ShutdownGraceService: Service {
    let manager: ModelManager
    let grace: Double
    let logger: Logger

    public func run() async throws {
        try? await gracefulShutdown()
        logger.info("shutting down: in-flight requests have \(grace) s to finish")
        let manager = self.manager
        let grace = self.grace
        let logger = self.logger
        Task.detached {
            try? await Task.sleep(for: .milliseconds(Int64(grace * 1000)))
            if manager.activeGenerations() > 0 {
                logger.warning("shutdown grace of \(grace) s is over: stopping the generations still running")
            }
            manager.stopGenerations()
        }
    }
}
