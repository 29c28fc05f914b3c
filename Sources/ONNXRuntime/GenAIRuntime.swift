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

    /// The functions called, one field each.
    struct Functions {
        let createModel: AIGWOgaCreateModelFn
        let createConfig: AIGWOgaCreateConfigFn
        let configClearProviders: AIGWOgaConfigClearProvidersFn
        let configAppendProvider: AIGWOgaConfigAppendProviderFn
        let configSetProviderOption: AIGWOgaConfigSetProviderOptionFn
        let createModelFromConfig: AIGWOgaCreateModelFromConfigFn
        let destroyConfig: AIGWOgaDestroyConfigFn
        let destroyModel: AIGWOgaDestroyModelFn
        let resultGetError: AIGWOgaResultGetErrorFn
        let destroyResult: AIGWOgaDestroyResultFn
    }

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
        func symbol<T>(_ name: String, as type: T.Type) throws -> T {
            guard let pointer = dlsym(handle, name) else {
                throw OrtError(.libraryUnavailable,
                               "\(path) lacks \(name): it is not onnxruntime-genai or is too old; \(fix)")
            }
            return unsafeBitCast(pointer, to: type)
        }
        self.functions = Functions(
            createModel: try symbol("OgaCreateModel", as: AIGWOgaCreateModelFn.self),
            createConfig: try symbol("OgaCreateConfig", as: AIGWOgaCreateConfigFn.self),
            configClearProviders: try symbol("OgaConfigClearProviders", as: AIGWOgaConfigClearProvidersFn.self),
            configAppendProvider: try symbol("OgaConfigAppendProvider", as: AIGWOgaConfigAppendProviderFn.self),
            configSetProviderOption: try symbol("OgaConfigSetProviderOption",
                                                as: AIGWOgaConfigSetProviderOptionFn.self),
            createModelFromConfig: try symbol("OgaCreateModelFromConfig", as: AIGWOgaCreateModelFromConfigFn.self),
            destroyConfig: try symbol("OgaDestroyConfig", as: AIGWOgaDestroyConfigFn.self),
            destroyModel: try symbol("OgaDestroyModel", as: AIGWOgaDestroyModelFn.self),
            resultGetError: try symbol("OgaResultGetError", as: AIGWOgaResultGetErrorFn.self),
            destroyResult: try symbol("OgaDestroyResult", as: AIGWOgaDestroyResultFn.self))
        self.path = path
        self.version = Self.wheelVersion(of: path)
    }

    /// Converts an `OgaResult*` into a thrown `OrtError(.genAI)`, destroying the result exactly once.
    func check(_ result: OpaquePointer?) throws {
        guard let result else { return }
        let message = functions.resultGetError(result).map { String(cString: $0) } ?? "unknown onnxruntime-genai error"
        functions.destroyResult(result)
        throw OrtError(.genAI, message)
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

/// An onnxruntime-genai model (an `OgaModel`) loaded from a model folder, on the first execution provider of a
/// preference list that loads it.
public final class GenAIModel: @unchecked Sendable {
    public let runtime: GenAIRuntime
    public let directory: String
    let handle: OpaquePointer

    /// Loads the folder with `provider` (nil: the folder's own `genai_config.json` choice).
    public init(runtime: GenAIRuntime, directory: String, provider: String? = nil,
                providerOptions: [String: String] = [:]) throws {
        self.runtime = runtime
        self.directory = directory
        let functions = runtime.functions
        var config: OpaquePointer?
        try runtime.check(functions.createConfig(directory, &config))
        guard let config else { throw OrtError(.genAI, "OgaCreateConfig returned no config for \(directory)") }
        defer { functions.destroyConfig(config) }
        if let provider {
            try runtime.check(functions.configClearProviders(config))
            if provider != "cpu" {
                try runtime.check(functions.configAppendProvider(config, provider))
                for (key, value) in providerOptions.sorted(by: { $0.key < $1.key }) {
                    try runtime.check(functions.configSetProviderOption(config, provider, key, value))
                }
            }
        }
        var model: OpaquePointer?
        try runtime.check(functions.createModelFromConfig(config, &model))
        guard let model else { throw OrtError(.genAI, "OgaCreateModelFromConfig returned no model for \(directory)") }
        self.handle = model
    }

    deinit {
        runtime.functions.destroyModel(handle)
    }
}
