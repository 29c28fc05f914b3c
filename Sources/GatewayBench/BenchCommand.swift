import ArgumentParser

/// `ai-gateway bench`: measures a running server over HTTP (`embeddings`, `chat`), or the decode engine alone,
/// in-process and without HTTP (`engine`), as the baseline the server's chat numbers are compared with.
public struct BenchCommand: AsyncParsableCommand {
    public init() {}

    public static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure a running server over HTTP, or the decode engine alone.",
        subcommands: [BenchEmbeddingsCommand.self, BenchChatCommand.self, BenchEngineCommand.self]
    )
}
