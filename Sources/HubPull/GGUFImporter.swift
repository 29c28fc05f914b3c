import Dispatch
import Foundation

/// The project's GGUF importer (`tools/gguf_import`, run with the `.runtime/venv` Python): turns a downloaded
/// `.gguf` into an onnxruntime-genai folder under the models folder.
public struct GGUFImporter: Sendable {
    public let python: String
    /// The `tools/gguf_import` folder.
    public let importer: String

    public init(python: String, importer: String) {
        self.python = python
        self.importer = importer
    }

    /// Finds `tools/gguf_import` and `.runtime/venv/bin/python` under the working directory or a folder above the
    /// running executable (the project checkout); `python` overrides the interpreter.
    public static func locate(python explicitPython: String?) throws -> GGUFImporter {
        let manager = FileManager.default
        var roots = [URL(fileURLWithPath: manager.currentDirectoryPath)]
        var folder = URL(fileURLWithPath: CommandLine.arguments.first ?? "").resolvingSymlinksInPath()
            .deletingLastPathComponent()
        while folder.path != "/" && !folder.path.isEmpty {
            if !roots.contains(folder) { roots.append(folder) }
            folder.deleteLastPathComponent()
        }
        for root in roots {
            let importer = root.appendingPathComponent("tools/gguf_import").path
            let python = explicitPython ?? root.appendingPathComponent(".runtime/venv/bin/python").path
            if manager.fileExists(atPath: importer + "/__main__.py"), manager.isExecutableFile(atPath: python) {
                return GGUFImporter(python: python, importer: importer)
            }
        }
        let looked = roots.map { $0.appendingPathComponent("tools/gguf_import").path }.joined(separator: ", ")
        throw PullError(.importFailed, "the GGUF importer was not found (looked for \(looked) with"
                        + " .runtime/venv/bin/python beside it): run ai-gateway from the project checkout after"
                        + " scripts/setup, or pass --python")
    }

    /// Runs `python tools/gguf_import FILE --models-dir DIR --name NAME --accuracy-level 4` on a thread of its own
    /// and waits; the importer writes the folder atomically. Cancelling the task stops it (SIGTERM: it cleans up).
    /// Throws `PullError(.importFailed)` with the importer's last line on stderr.
    public func importModel(file: String, modelsDirectory: String, name: String) async throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [importer, file, "--models-dir", modelsDirectory, "--name", name,
                             "--accuracy-level", "4", "--quiet"]
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        let stderr = Pipe()
        process.standardError = stderr
        let running = RunningProcess(process)
        let result: (status: Int32, lastLine: String) = try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                DispatchQueue.global(qos: .utility).async {
                    do {
                        try running.start()
                    } catch is CancellationError {
                        continuation.resume(throwing: CancellationError())
                        return
                    } catch {
                        continuation.resume(throwing: PullError(.importFailed, "cannot run the GGUF importer"
                                                                + " (\(python)): \(error.localizedDescription)"))
                        return
                    }
                    let output = stderr.fileHandleForReading.readDataToEndOfFile()
                    let status = running.wait()
                    let lines = String(decoding: output, as: UTF8.self).split(whereSeparator: \.isNewline)
                    continuation.resume(returning: (status, lines.last.map(String.init) ?? ""))
                }
            }
        } onCancel: {
            running.terminate()
        }
        try Task.checkCancellation()
        guard result.status == 0 else {
            var line = result.lastLine
            if line.hasPrefix("error: ") { line.removeFirst("error: ".count) }
            throw PullError(.importFailed, "GGUF import of \(URL(fileURLWithPath: file).lastPathComponent) failed: "
                            + (line.isEmpty ? "the importer exited with \(result.status)" : line))
        }
    }
}

/// A child process that a cancellation handler may stop from another thread, before or after it started.
private final class RunningProcess: @unchecked Sendable {
    private let process: Process
    private let state = Locked((started: false, cancelled: false))

    init(_ process: Process) {
        self.process = process
    }

    func start() throws {
        try state.withLock { state in
            guard !state.cancelled else { throw CancellationError() }
            try process.run()
            state.started = true
        }
    }

    /// Waits for the exit; the exit status, or -1 when a signal ended it.
    func wait() -> Int32 {
        process.waitUntilExit()
        return process.terminationReason == .exit ? process.terminationStatus : -1
    }

    /// SIGTERM (the importer then removes its temporary folder), and SIGKILL if it is still running 10 s later (it
    /// may have inherited a blocked SIGTERM from the thread that started it).
    func terminate() {
        let pid: Int32? = state.withLock { state in
            state.cancelled = true
            guard state.started && process.isRunning else { return nil }
            process.terminate()
            return process.processIdentifier
        }
        guard let pid else { return }
        DispatchQueue.global().asyncAfter(deadline: .now() + 10) { [self] in
            if process.isRunning && process.processIdentifier == pid { kill(pid, SIGKILL) }
        }
    }
}
