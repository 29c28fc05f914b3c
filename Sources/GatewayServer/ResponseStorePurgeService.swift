import Foundation
import GatewayCore
import Logging
import ServiceLifecycle

/// Removes stored responses older than `responses_max_age`: once at startup, then every `interval`, until shutdown.
/// Expired responses are never served even before they are purged; this keeps the file from growing.
struct ResponseStorePurgeService: Service {
    let store: ResponseStore
    let logger: Logger
    var interval: Duration = .seconds(3600)

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                let store = self.store
                do {
                    let removed = try await BlockingWork.run {
                        try store.purgeExpired(now: Int(Date().timeIntervalSince1970))
                    }
                    if removed > 0 { logger.info("purged \(removed) expired stored responses") }
                } catch {
                    logger.error("purging expired stored responses failed: \(error)")
                }
                try? await Task.sleep(for: interval)
            }
        }
    }
}
