import ArgumentParser
import Foundation
import GatewayCore
import HubPull

/// `ai-gateway import`: converts a GGUF file (llama, qwen2) into an onnxruntime-genai folder in the models folder
/// by running the project's Python importer (`tools/gguf_import`) with the `.runtime/venv` interpreter.
struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import a GGUF model (llama, qwen2) as an onnxruntime-genai chat model.",
        discussion: """
            Writes MODELS_DIR/NAME/ (model.onnx, genai_config.json, tokenizer files); the server lists it in \
            /v1/models. Needs scripts/setup (Python tooling in .runtime/venv). On bad input nothing is left behind.
            """)

    @Argument(help: "The .gguf file to import.")
    var file: String

    @Option(name: .long, help: "Model name, the folder under the models folder (default: from the file name).")
    var name: String?

    @Option(name: .customLong("accuracy-level"),
            help: "MatMulNBits accuracy level: 4 = int8 activations (fast, default), 0 = float activations (exact).")
    var accuracyLevel: Int = 4

    @Option(name: .long, help: "Python interpreter with the tooling installed (else $AIGW_PYTHON, else .runtime/venv).")
    var python: String?

    @OptionGroup var options: ConfigOptions

    func validate() throws {
        guard accuracyLevel == 0 || accuracyLevel == 4 else {
            throw ValidationError("--accuracy-level must be 0 or 4, got \(accuracyLevel)")
        }
        guard FileManager.default.fileExists(atPath: file) else {
            throw ValidationError("\(file): no such file")
        }
        if let name, name.isEmpty || name.hasPrefix(".") || name.contains("/") {
            throw ValidationError("--name must be a plain folder name, got '\(name)'")
        }
    }

    func run() async throws {
        let configuration = try options.load()
        let tooling: GGUFImporter
        do {
            tooling = try GGUFImporter.locate(python: python ?? ProcessInfo.processInfo.environment["AIGW_PYTHON"])
        } catch let error as PullError {
            throw ValidationError(error.message)
        }
        var arguments = [tooling.importer, file, "--models-dir", configuration.modelsDirectory,
                         "--accuracy-level", String(accuracyLevel)]
        if let name { arguments += ["--name", name] }

        let process = Process()
        process.executableURL = URL(fileURLWithPath: tooling.python)
        process.arguments = arguments
        // stdout (progress) and stderr (the one-line error) go straight to the terminal.
        try process.run()
        process.waitUntilExit()
        guard process.terminationReason == .exit, process.terminationStatus == 0 else {
            throw ExitCode(process.terminationReason == .exit ? process.terminationStatus : 1)
        }
        print("model ready: it is listed by `ai-gateway models` and served at /v1/models")
    }
}
