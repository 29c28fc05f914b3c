import Foundation
import Testing

/// The built `ai-gateway` binary run as a child process in the repository root, with no `AIGW_*` variables
/// inherited, its output captured in files (a pipe nobody reads could stall a chatty server).
final class GatewayProcess {
    let process: Process
    let stdoutURL: URL
    let stderrURL: URL

    /// Starts `ai-gateway arguments…`; fails the test (not skips) when the binary has not been built.
    init(_ arguments: [String], environment: [String: String] = [:],
         sourceLocation: SourceLocation = #_sourceLocation) throws {
        let binary = TestEnvironment.binary
        try #require(FileManager.default.isExecutableFile(atPath: binary),
                     "\(binary) is missing: run swift build --build-tests first", sourceLocation: sourceLocation)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("aigw-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        stdoutURL = folder.appendingPathComponent("stdout")
        stderrURL = folder.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: stdoutURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: stderrURL.path, contents: nil)

        process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        process.currentDirectoryURL = TestEnvironment.root
        var inherited = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("AIGW_") }
        inherited.merge(environment) { _, new in new }
        process.environment = inherited
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = try FileHandle(forWritingTo: stdoutURL)
        process.standardError = try FileHandle(forWritingTo: stderrURL)
        try process.run()
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        try? FileManager.default.removeItem(at: stdoutURL.deletingLastPathComponent())
    }

    var stdout: String { (try? String(contentsOf: stdoutURL, encoding: .utf8)) ?? "" }
    var stderr: String { (try? String(contentsOf: stderrURL, encoding: .utf8)) ?? "" }

    /// Sends SIGTERM.
    func terminate() { kill(process.processIdentifier, SIGTERM) }

    /// The exit status, or nil when the process is still running after `timeout`.
    func waitForExit(timeout: Duration) async -> Int32? {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning {
            guard ContinuousClock.now < deadline else { return nil }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return process.terminationStatus
    }

    /// Runs `ai-gateway arguments…` to completion (killing it after `timeout`) and returns its status and output.
    static func run(_ arguments: [String], environment: [String: String] = [:], timeout: Duration = .seconds(60),
                    sourceLocation: SourceLocation = #_sourceLocation) async throws
        -> (status: Int32, stdout: String, stderr: String)
    {
        let child = try GatewayProcess(arguments, environment: environment, sourceLocation: sourceLocation)
        guard let status = await child.waitForExit(timeout: timeout) else {
            kill(child.process.processIdentifier, SIGKILL)
            Issue.record("ai-gateway \(arguments.joined(separator: " ")) did not exit within \(timeout)",
                         sourceLocation: sourceLocation)
            return (-1, child.stdout, child.stderr)
        }
        return (status, child.stdout, child.stderr)
    }
}
