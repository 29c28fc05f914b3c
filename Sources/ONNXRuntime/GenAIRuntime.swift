import CONNXRuntime
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A loaded onnxruntime-genai shared library: the C functions the gateway calls, resolved with `dlsym`.
///
/// onnxruntime-genai finds ONNX Runtime through `ORT_LIB_PATH`, which `load` sets to the ONNX Runtime library
/// the gateway itself loaded. A library lacking any function the gateway calls is refused by name.
public final class GenAIRuntime: @unchecked Sendable {
    public let path: String
    /// The release, read from the wheel's metadata beside the library; nil when the library came from elsewhere
    /// (onnxruntime-genai has no version function).
    public let version: String?
    let functions: Functions

    private static let cache = LoadedCache<GenAIRuntime>()

    /// Locates (explicit path, else `.runtime/lib/`) and loads the library, once per path.
    public static func load(explicitPath: String?, onnxRuntimePath: String?) throws -> GenAIRuntime {
        let path = try LibraryLocator.genAI.locate(explicitPath: explicitPath)
        return try cache.value(for: path) { try GenAIRuntime(path: path, onnxRuntimePath: onnxRuntimePath) }
    }

    private init(path: String, onnxRuntimePath: String?) throws {
        let fix = "run scripts/setup, or set AIGW_GENAI_LIBRARY (or --genai-library) to a libonnxruntime-genai.so "
            + "of version 0.18 or newer"
        if let onnxRuntimePath, getenv("ORT_LIB_PATH") == nil {
            setenv("ORT_LIB_PATH", onnxRuntimePath, 1)
        }
        guard let handle = dlopen(path, RTLD_NOW | RTLD_LOCAL) else {
            let reason = dlerror().map { String(cString: $0) } ?? "unknown dlopen error"
            throw OrtError(.libraryUnavailable, "cannot load onnxruntime-genai from \(path): \(reason): \(fix)")
        }
        self.functions = try Functions { name in
            guard let pointer = dlsym(handle, name) else {
                throw OrtError(.libraryUnavailable,
                               "\(path) lacks \(name): it is not onnxruntime-genai or is too old; \(fix)")
            }
            return pointer
        }
        self.path = path
        self.version = Self.wheelVersion(of: path)
    }

    /// Converts an `OgaResult*` into a thrown `OrtError(.genAI)`, destroying the result exactly once.
    /// `context` (e.g. "cannot load the model in /models/x") is put in front of the library's message.
    func check(_ result: OpaquePointer?, context: @autoclosure () -> String? = nil) throws {
        guard let result else { return }
        let message = functions.resultGetError(result).map { String(cString: $0) } ?? "unknown onnxruntime-genai error"
        functions.destroyResult(result)
        if let context = context() {
            throw OrtError(.genAI, "\(context): \(message)")
        }
        throw OrtError(.genAI, message)
    }

    /// Takes a string the library allocated for the caller: copies it (repairing invalid UTF-8) and frees it.
    func takeString(_ pointer: UnsafePointer<CChar>?) -> String {
        guard let pointer else { return "" }
        defer { functions.destroyString(pointer) }
        return String(cString: pointer)
    }

    /// The version in `onnxruntime_genai-X.dist-info` beside the (symlink-resolved) library's package folder.
    static func wheelVersion(of path: String) -> String? {
        let package = URL(fileURLWithPath: path).resolvingSymlinksInPath().deletingLastPathComponent()
        let site = package.deletingLastPathComponent()
        let names = (try? FileManager.default.contentsOfDirectory(atPath: site.path)) ?? []
        let prefix = "onnxruntime_genai-"
        guard let info = names.first(where: { $0.hasPrefix(prefix) && $0.hasSuffix(".dist-info") }) else { return nil }
        return String(info.dropFirst(prefix.count).dropLast(".dist-info".count))
    }
}
