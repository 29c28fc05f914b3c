import ArgumentParser
import AsyncHTTPClient
import Foundation
import HubPull
import Logging

/// `ai-gateway pull`: downloads a model from the Hugging Face Hub (or `$HF_ENDPOINT`) into the models folder; a
/// single matching `.gguf` is imported as an onnxruntime-genai model instead.
struct PullCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pull",
        abstract: "Download a model from the Hugging Face Hub into the models folder.",
        discussion: """
            Examples:
              ai-gateway pull BAAI/bge-small-en-v1.5 --include onnx/model.onnx
                  --include "*.json" --include vocab.txt
              ai-gateway pull microsoft/Phi-3-mini-4k-instruct-onnx
                  --include "cpu_and_mobile/cpu-int4-rtn-block-32-acc-level-4/*"
              ai-gateway pull bartowski/SmolLM2-135M-Instruct-GGUF --include "*Q4_K_M.gguf"

            When every selected file sits under one folder, that folder becomes the model folder; a single \
            .gguf is imported as an onnxruntime-genai model. Files are written to a hidden folder and moved into \
            place only when all are verified: nothing partial is left behind. Environment: HF_ENDPOINT (default \
            https://huggingface.co), HF_TOKEN (for gated or private repositories).
            """)

    @Argument(help: "The repository, OWNER/NAME.")
    var repository: String

    @Option(name: .long, help: "Take only files matching this glob (repeatable; * matches across '/'; default: all).")
    var include: [String] = []

    @Option(name: .long, help: "Branch, tag or commit.")
    var revision: String = "main"

    @Option(name: .long, help: "Model name, the folder under the models folder (default: the repository's name).")
    var name: String?

    @Option(name: .long, help: "Files downloaded at once (1 to 32).")
    var parallel: Int = 4

    @Option(name: .long, help: "Python for the GGUF importer (else $AIGW_PYTHON, else .runtime/venv).")
    var python: String?

    @OptionGroup var options: ConfigOptions

    func validate() throws {
        guard (1...32).contains(parallel) else { throw ValidationError("--parallel must be 1 to 32, got \(parallel)") }
    }

    func run() async throws {
        let configuration = try options.load()
        let environment = ProcessInfo.processInfo.environment
        let request = PullRequest(
            repository: repository, revision: revision, include: include, name: name,
            endpoint: environment["HF_ENDPOINT"].flatMap { $0.isEmpty ? nil : $0 } ?? "https://huggingface.co",
            token: environment["HF_TOKEN"].flatMap { $0.isEmpty ? nil : $0 },
            modelsDirectory: configuration.modelsDirectory, parallelDownloads: parallel)
        do {
            _ = try request.validated()
        } catch let error as PullError {
            throw CommandFailure(error.message)
        }
        let importer = try? GGUFImporter.locate(python: python ?? environment["AIGW_PYTHON"])
        var logger = Logger(label: "ai-gateway.pull")
        logger.logLevel = .warning

        let clientConfiguration = HubPuller.clientConfiguration(parallelDownloads: parallel)
        let terminal = isatty(STDERR_FILENO) == 1
        let display = ProgressDisplay(style: terminal ? .terminal : .plain)
        let directory: String
        do {
            directory = try await HTTPClient.withHTTPClient(configuration: clientConfiguration) { http in
                let puller = HubPuller(httpClient: http, importer: importer, logger: logger)
                return try await Self.interruptible {
                    try await puller.pull(request) { display.show($0) }
                }
            }
        } catch let error as PullError {
            display.clear()
            throw CommandFailure(error.message)
        } catch is CancellationError {
            display.clear()
            throw CommandFailure("interrupted: nothing was kept")
        }
        display.clear()
        print("model ready: \(request.folderName) (\(directory))")
    }

    /// Runs `body` in a task that SIGINT or SIGTERM cancel, so the puller can remove its temporary folder.
    private static func interruptible<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) async throws -> T {
        let task = Task { try await body() }
        let sources = [SIGINT, SIGTERM].map { signalNumber in
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler { task.cancel() }
            source.resume()
            return source
        }
        defer { sources.forEach { $0.cancel() } }
        return try await withTaskCancellationHandler {
            try await task.value
        } onCancel: {
            task.cancel()
        }
    }
}

/// Writes the renderer's text to stderr; events may come from any thread, one at a time.
private final class ProgressDisplay: @unchecked Sendable {
    private let lock = NSLock()
    private var renderer: PullProgressRenderer

    init(style: PullProgressRenderer.Style) {
        renderer = PullProgressRenderer(style: style)
    }

    func show(_ event: PullEvent) {
        let now = Double(DispatchTime.now().uptimeNanoseconds) / 1e9
        write(lock.withLock { renderer.render(event, now: now) })
    }

    func clear() {
        write(lock.withLock { renderer.finish() })
    }

    private func write(_ text: String) {
        guard !text.isEmpty else { return }
        FileHandle.standardError.write(Data(text.utf8))
    }
}
