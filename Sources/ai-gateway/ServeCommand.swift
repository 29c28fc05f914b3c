import ArgumentParser
import GatewayCore
import GatewayServer
import Hummingbird
import Logging
import ServiceLifecycle

/// `ai-gateway serve`: runs the HTTP server until SIGINT or SIGTERM, then drains: the port closes, in-flight
/// requests get `shutdown_grace_seconds` to finish, generations still running are then stopped, every model thread
/// is joined and every model released, and the process exits 0.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve", abstract: "Serve the models in the models folder over the OpenAI API.")

    @OptionGroup var options: ConfigOptions

    func run() async throws {
        let configuration = try options.load()
        var logger = configuration.logFormat == "json"
            ? Logger(label: "ai-gateway", factory: { JSONLogHandler(label: $0) })
            : Logger(label: "ai-gateway")
        logger.logLevel = Logger.Level(rawValue: configuration.logLevel) ?? .info
        let gateway = buildGateway(configuration: configuration, logger: logger)
        let group = ServiceGroup(configuration: .init(
            services: [gateway.application, gateway.shutdownGrace],
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger))
        try await group.run()
        logger.info("stopped")
    }
}
