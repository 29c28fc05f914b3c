import CONNXRuntime
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A loaded llguidance library: its C API for constrained decoding (a grammar's mask of allowed tokens before each
/// step), resolved with `dlsym`.
///
/// The library ships inside the `llguidance` Python wheel as an extension module, which refers to libpython's
/// symbols: the shared Python library is loaded first (`RTLD_GLOBAL`), and no interpreter is started. One instance
/// per library lives for the whole process.
public final class GuidanceLibrary: @unchecked Sendable {
    /// The environment variable naming the library (`scripts/setup` writes it to `.runtime/runtime.env`).
    public static let environmentVariable = "AIGW_LLGUIDANCE_LIBRARY"
    /// The file name inside `.runtime/lib/`, where `scripts/setup` links the wheel's `_lib.abi3.so`.
    static let fileName = "libllguidance.so"

    /// The library's path, as located.
    public let path: String
    /// The shared Python library's path, as located.
    public let pythonPath: String
    /// What `llg_get_version` reports, e.g. "llguidance@1.9.1 derivre@0.3.13".
    public let version: String
    let functions: Functions

    private static let cache = LoadedCache<GuidanceLibrary>()

    /// Locates and loads both libraries, once per llguidance library. Each path is, in order: the argument, the
    /// environment variable (`AIGW_LLGUIDANCE_LIBRARY`, `AIGW_PYTHON_LIBRARY`), `.runtime/lib/` under the working
    /// directory or a folder above the executable. Throws `GuidanceError(.libraryUnavailable)` saying what is missing
    /// and how to fix it.
    public static func load(path: String? = nil, pythonPath: String? = nil) throws -> GuidanceLibrary {
        let environment = ProcessInfo.processInfo.environment
        do {
            let python = try OrtxLibrary.locate(explicit: pythonPath, variable: OrtxLibrary.pythonEnvironmentVariable,
                                                fileName: OrtxLibrary.pythonFileName,
                                                displayName: "The shared Python library (libpython3.X.so.1.0)",
                                                environment: environment)
            let library = try OrtxLibrary.locate(explicit: path, variable: environmentVariable, fileName: fileName,
                                                 displayName: "The llguidance library", environment: environment)
            return try cache.value(for: library) { try GuidanceLibrary(path: library, pythonPath: python) }
        } catch let error as OrtError {
            throw GuidanceError(.libraryUnavailable, error.message)
        }
    }

    private init(path: String, pythonPath: String) throws {
        let fix = "run scripts/setup, or set \(Self.environmentVariable) to the llguidance wheel's "
            + "llguidance/_lib.abi3.so and \(OrtxLibrary.pythonEnvironmentVariable) to a libpython3.X.so.1.0"
        guard dlopen(pythonPath, RTLD_NOW | RTLD_GLOBAL) != nil else {
            let reason = dlerror().map { String(cString: $0) } ?? "unknown dlopen error"
            throw GuidanceError(.libraryUnavailable,
                                "cannot load the shared Python library from \(pythonPath): \(reason): \(fix) (Debian "
                                + "and Ubuntu: apt-get install libpython3.X)")
        }
        guard let handle = dlopen(path, RTLD_NOW | RTLD_LOCAL) else {
            let reason = dlerror().map { String(cString: $0) } ?? "unknown dlopen error"
            throw GuidanceError(.libraryUnavailable,
                                "cannot load llguidance from \(path) (with \(pythonPath)): \(reason): \(fix)")
        }
        let functions = try Functions { name in
            guard let pointer = dlsym(handle, name) else {
                throw GuidanceError(.libraryUnavailable,
                                    "\(path) lacks \(name): it is not llguidance's library or is too old; \(fix)")
            }
            return pointer
        }
        self.functions = functions
        self.path = path
        self.pythonPath = pythonPath
        self.version = functions.getVersion().map { String(cString: $0) } ?? "llguidance (unknown version)"
    }
}
