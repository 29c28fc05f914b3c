import ArgumentParser
import GatewayBench

/// The `ai-gateway` command: a local OpenAI-compatible server for ONNX models.
@main
struct AIGatewayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ai-gateway",
        abstract: "A local OpenAI-compatible inference server for ONNX models.",
        version: "0.1.0",
        subcommands: [
            ServeCommand.self, ProvidersCommand.self, ModelsCommand.self, LoadCommand.self, UnloadCommand.self,
            ImportCommand.self, PullCommand.self, BenchCommand.self,
        ],
        defaultSubcommand: ServeCommand.self
    )
}
