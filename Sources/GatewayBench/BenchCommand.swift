import ArgumentParser

/// `ai-gateway bench`: measures a running server over HTTP; it never loads a model itself.
public struct BenchCommand: AsyncParsableCommand {
    public init() {}

    public static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure a running server over HTTP.",
        subcommands: [BenchEmbeddingsCommand.self, BenchChatCommand.self]
    )
}
