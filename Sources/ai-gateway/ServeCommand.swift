import ArgumentParser
import GatewayCore
import GatewayServer
import Hummingbird
import Logging

/// `ai-gateway serve`: runs the HTTP server until SIGINT or SIGTERM.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve", abstract: "Serve the models in the models folder over the OpenAI API.")

    @OptionGroup var options: ConfigOptions

    func run() async throws {
        let configuration = try options.load()
        var logger = Logger(label: "ai-gateway")
        logger.logLevel = Logger.Level(rawValue: configuration.logLevel) ?? .info
        let app = buildApplication(configuration: configuration, logger: logger)
        try await app.runService()
    }
}
