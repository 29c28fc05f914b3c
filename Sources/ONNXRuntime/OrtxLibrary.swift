import CONNXRuntime
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A loaded onnxruntime-extensions library: the tokenizer C API (tokenize, detokenize, chat templates), resolved with
/// `dlsym`, with no model and no ONNX Runtime session.
///
/// The library ships inside the `onnxruntime-extensions` Python wheel as an extension module, which refers to
/// libpython's symbols: the shared Python library is loaded first (`RTLD_GLOBAL`), and no interpreter is started.
/// One instance per extensions library lives for the whole process.
public final class OrtxLibrary: @unchecked Sendable {
    /// The environment variable naming the extensions library (`scripts/setup` writes it to `.runtime/runtime.env`).
    public static let environmentVariable = "AIGW_ORTX_LIBRARY"
    /// The environment variable naming the shared Python library the extensions library needs.
    public static let pythonEnvironmentVariable = "AIGW_PYTHON_LIBRARY"
    /// File names inside `.runtime/lib/`, where `scripts/setup` links both libraries.
    static let fileName = "libortextensions.so"
    static let pythonFileName = "libpython.so"

    /// The extensions library's path, as located.
    public let path: String
    /// The shared Python library's path, as located.
    public let pythonPath: String
    /// The wheel's release, read from its metadata beside the library; nil when the library came from elsewhere.
    public let version: String?
    let functions: Functions

    private static let cache = LoadedCache<OrtxLibrary>()

    /// Locates and loads both libraries, once per extensions library. Each path is, in order: the argument, the
    /// environment variable (`AIGW_ORTX_LIBRARY`, `AIGW_PYTHON_LIBRARY`), `.runtime/lib/` under the working
    /// directory or a folder above the executable. Throws `OrtError(.libraryUnavailable)` saying what is missing and
    /// how to fix it.
    public static func load(path: String? = nil, pythonPath: String? = nil) throws -> OrtxLibrary {
        let environment = ProcessInfo.processInfo.environment
        let python = try locate(explicit: pythonPath, variable: pythonEnvironmentVariable, fileName: pythonFileName,
                                displayName: "The shared Python library (libpython3.X.so.1.0)",
                                environment: environment)
        let library = try locate(explicit: path, variable: environmentVariable, fileName: fileName,
                                 displayName: "The onnxruntime-extensions library", environment: environment)
        return try cache.value(for: library) { try OrtxLibrary(path: library, pythonPath: python) }
    }

    private init(path: String, pythonPath: String) throws {
        let fix = "run scripts/setup, or set \(Self.environmentVariable) to onnxruntime-extensions' "
            + "_extensions_pydll*.so and \(Self.pythonEnvironmentVariable) to the libpython3.X.so.1.0 of its Python"
        guard dlopen(pythonPath, RTLD_NOW | RTLD_GLOBAL) != nil else {
            let reason = dlerror().map { String(cString: $0) } ?? "unknown dlopen error"
            throw OrtError(.libraryUnavailable,
                           "cannot load the shared Python library from \(pythonPath): \(reason): \(fix) (Debian and "
                           + "Ubuntu: apt-get install \(Self.pythonPackage(for: path)))")
        }
        guard let handle = dlopen(path, RTLD_NOW | RTLD_LOCAL) else {
            let reason = dlerror().map { String(cString: $0) } ?? "unknown dlopen error"
            throw OrtError(.libraryUnavailable,
                           "cannot load onnxruntime-extensions from \(path) (with \(pythonPath)): \(reason): \(fix)")
        }
        self.functions = try Functions { name in
            guard let pointer = dlsym(handle, name) else {
                throw OrtError(.libraryUnavailable,
                               "\(path) lacks \(name): it is not onnxruntime-extensions or is too old; \(fix)")
            }
            return pointer
        }
        self.path = path
        self.pythonPath = pythonPath
        self.version = Self.wheelVersion(of: path)
    }

    /// Throws `OrtError(.extensions)` when `code` (an `extError_t`) is not success, with the library's message for
    /// this thread after `context` (e.g. "cannot encode text").
    func check(_ code: Int32, _ context: @autoclosure () -> String) throws {
        guard code != 0 else { return }
        let message = functions.getLastErrorMessage().map { String(cString: $0) } ?? ""
        let reason = message.isEmpty ? "onnxruntime-extensions error \(code)" : message
        throw OrtError(.extensions, "\(context()): \(reason)", code: code)
    }

    /// Disposes an object the library handed out; nil is ignored.
    func dispose(_ object: OpaquePointer?) {
        guard let object else { return }
        _ = functions.disposeOnly(object)
    }

    /// The explicit path if given, else the environment variable's, else `.runtime/lib/<fileName>` in the first
    /// search root that has it.
    static func locate(explicit: String?, variable: String, fileName: String, displayName: String,
                       environment: [String: String]) throws -> String {
        let fix = "run scripts/setup, or set \(variable) to its path"
        if let given = explicit ?? environment[variable].flatMap({ $0.isEmpty ? nil : $0 }) {
            guard FileManager.default.fileExists(atPath: given) else {
                let source = explicit == nil ? "set by \(variable)" : "given explicitly"
                throw OrtError(.libraryUnavailable, "\(displayName) is not at \(given) (\(source)): \(fix)")
            }
            return given
        }
        let candidates = LibraryLocator.searchRoots().map { $0.appendingPathComponent(".runtime/lib/\(fileName)").path }
        if let found = candidates.first(where: { FileManager.default.fileExists(atPath: $0) }) { return found }
        throw OrtError(.libraryUnavailable,
                       "\(displayName) was not found: looked for \(candidates.joined(separator: ", ")): \(fix)")
    }

    /// The Debian package of the libpython the extension module at `path` was built for: its file name says
    /// `cpython-3XY`.
    static func pythonPackage(for path: String) -> String {
        let name = URL(fileURLWithPath: path).resolvingSymlinksInPath().lastPathComponent
        guard let range = name.range(of: "cpython-3") else { return "libpython3.X" }
        let minor = name[range.upperBound...].prefix { $0.isNumber }
        return minor.isEmpty ? "libpython3.X" : "libpython3.\(minor)"
    }

    /// The version in `onnxruntime_extensions-X.dist-info` beside the (symlink-resolved) library's package folder.
    static func wheelVersion(of path: String) -> String? {
        let package = URL(fileURLWithPath: path).resolvingSymlinksInPath().deletingLastPathComponent()
        let site = package.deletingLastPathComponent()
        let names = (try? FileManager.default.contentsOfDirectory(atPath: site.path)) ?? []
        let prefix = "onnxruntime_extensions-"
        guard let info = names.first(where: { $0.hasPrefix(prefix) && $0.hasSuffix(".dist-info") }) else { return nil }
        return String(info.dropFirst(prefix.count).dropLast(".dist-info".count))
    }
}
