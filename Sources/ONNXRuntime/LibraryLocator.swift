import Foundation

/// Finds a runtime library: an explicit path (flag, config file or environment variable) if given, else
/// `.runtime/lib/<file>` under the working directory or any folder above the running executable.
public struct LibraryLocator: Sendable {
    /// What the library is called in messages, e.g. "ONNX Runtime".
    public let displayName: String
    /// File name inside `.runtime/lib/`, e.g. `libonnxruntime.so`.
    public let fileName: String
    /// The environment variable a user sets to point at the library.
    public let environmentVariable: String
    /// The command-line flag a user passes to point at the library.
    public let flag: String

    public static let onnxRuntime = LibraryLocator(
        displayName: "ONNX Runtime", fileName: "libonnxruntime.so",
        environmentVariable: "AIGW_ORT_LIBRARY", flag: "--ort-library")
    public static let genAI = LibraryLocator(
        displayName: "onnxruntime-genai", fileName: "libonnxruntime-genai.so",
        environmentVariable: "AIGW_GENAI_LIBRARY", flag: "--genai-library")

    /// Returns the path to load, or throws `OrtError(.libraryUnavailable)` with one line saying what was looked
    /// for, where, and how to fix it.
    public func locate(explicitPath: String?) throws -> String {
        let fix = "run scripts/setup, or set \(environmentVariable) (or \(flag)) to the path of \(fileName)"
        if let explicitPath {
            guard FileManager.default.fileExists(atPath: explicitPath) else {
                throw OrtError(.libraryUnavailable,
                               "\(displayName) library not found at \(explicitPath) (set by \(environmentVariable), "
                               + "\(flag) or the config file): \(fix)")
            }
            return explicitPath
        }
        let roots = Self.searchRoots()
        for root in roots {
            let candidate = root.appendingPathComponent(".runtime/lib/\(fileName)").path
            if FileManager.default.fileExists(atPath: candidate) { return candidate }
        }
        let looked = roots.map { $0.appendingPathComponent(".runtime/lib/\(fileName)").path }
        throw OrtError(.libraryUnavailable,
                       "\(displayName) library not found: looked for \(looked.joined(separator: ", ")): \(fix)")
    }

    /// The working directory, then the executable's folder and each folder above it.
    static func searchRoots() -> [URL] {
        var roots = [URL(fileURLWithPath: FileManager.default.currentDirectoryPath)]
        var folder = URL(fileURLWithPath: CommandLine.arguments.first ?? "").resolvingSymlinksInPath()
            .deletingLastPathComponent()
        while folder.path != "/" && !folder.path.isEmpty {
            if !roots.contains(folder) { roots.append(folder) }
            folder.deleteLastPathComponent()
        }
        return roots
    }
}
