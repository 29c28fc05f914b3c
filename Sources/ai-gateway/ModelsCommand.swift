import ArgumentParser
import Foundation
import GatewayCore

/// `ai-gateway models`: the models the server would serve from the models folder.
struct ModelsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "models", abstract: "List the models in the models folder.")

    @OptionGroup var options: ConfigOptions

    func run() async throws {
        let configuration = try options.load()
        let catalog = ModelCatalog.scan(directory: URL(fileURLWithPath: configuration.modelsDirectory))
        if catalog.entries.isEmpty {
            print("no models in \(catalog.directory.path) (run scripts/setup for the defaults)")
        }
        for entry in catalog.entries {
            let kind = entry.kind?.rawValue ?? "unknown"
            let aliases = entry.aliases.isEmpty ? "" : "\taliases: \(entry.aliases.joined(separator: ", "))"
            if let problem = entry.problem {
                print("\(entry.id)\t\(kind)\t\(entry.directory.path)\tBROKEN: \(problem)")
            } else {
                print("\(entry.id)\t\(kind)\t\(entry.directory.path)\(aliases)")
            }
        }
    }
}
