import CONNXRuntime
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A loaded ONNX Runtime shared library: its `OrtApi` table, its version and the process-wide `OrtEnv`.
///
/// Loaded with `dlopen` at run time, so the gateway builds and starts without it. One instance per library path
/// lives for the whole process (ONNX Runtime allows one environment per process).
public final class OrtRuntime: @unchecked Sendable {
    /// The ORT API version whose table layout `CONNXRuntime` declares; libraries older than this are refused.
    public static let apiVersion: UInt32 = UInt32(AIGW_ORT_API_VERSION)
    /// The oldest ONNX Runtime release that serves `apiVersion`.
    public static let minimumVersion = "1.\(AIGW_ORT_API_VERSION).0"

    public let path: String
    public let version: String
    let api: OrtApi
    /// The function table itself, for slots past the declared struct (read only when the version has them).
    let table: UnsafeRawPointer
    let environment: OpaquePointer
    let allocator: OpaquePointer
    let cpuMemoryInfo: OpaquePointer

    private static let cache = LoadedCache<OrtRuntime>()

    /// Loads (once per path) the library at `path`, checks its version and creates the environment.
    public static func load(path: String) throws -> OrtRuntime {
        try cache.value(for: path) { try OrtRuntime(path: path) }
    }

    /// Locates the library (explicit path, else `.runtime/lib/`) and loads it.
    public static func load(explicitPath: String?) throws -> OrtRuntime {
        try load(path: LibraryLocator.onnxRuntime.locate(explicitPath: explicitPath))
    }

    private init(path: String) throws {
        let fix = "run scripts/setup, or set AIGW_ORT_LIBRARY (or --ort-library) to a libonnxruntime.so "
            + "of version \(Self.minimumVersion) or newer"
        guard let handle = dlopen(path, RTLD_NOW | RTLD_GLOBAL) else {
            let reason = dlerror().map { String(cString: $0) } ?? "unknown dlopen error"
            throw OrtError(.libraryUnavailable, "cannot load ONNX Runtime from \(path): \(reason): \(fix)")
        }
        guard let symbol = dlsym(handle, "OrtGetApiBase") else {
            throw OrtError(.libraryUnavailable,
                           "\(path) is not ONNX Runtime (it has no OrtGetApiBase symbol): \(fix)")
        }
        let getApiBase = unsafeBitCast(symbol, to: AIGWOrtGetApiBaseFn.self)
        guard let base = getApiBase() else {
            throw OrtError(.libraryUnavailable, "OrtGetApiBase returned nothing in \(path): \(fix)")
        }
        let version = String(cString: base.pointee.GetVersionString())
        guard Self.isAtLeast(version, major: 1, minor: Int(Self.apiVersion)) else {
            throw OrtError(.libraryUnavailable,
                           "ONNX Runtime \(version) at \(path) is older than \(Self.minimumVersion), "
                           + "the oldest this build supports: \(fix)")
        }
        guard let table = base.pointee.GetApi(Self.apiVersion) else {
            throw OrtError(.libraryUnavailable,
                           "ONNX Runtime \(version) at \(path) does not serve API version \(Self.apiVersion): \(fix)")
        }
        self.path = path
        self.version = version
        self.api = table.pointee
        self.table = UnsafeRawPointer(table)

        var env: OpaquePointer?
        var status = api.CreateEnv(ORT_LOGGING_LEVEL_WARNING, "ai-gateway", &env)
        if let status {
            let message = api.GetErrorMessage(status).map { String(cString: $0) } ?? "unknown error"
            api.ReleaseStatus(status)
            throw OrtError(.runtime, "cannot create the ONNX Runtime environment: \(message)")
        }
        self.environment = env!
        var allocator: OpaquePointer?
        status = api.GetAllocatorWithDefaultOptions(&allocator)
        precondition(status == nil, "GetAllocatorWithDefaultOptions cannot fail")
        self.allocator = allocator!
        var memoryInfo: OpaquePointer?
        status = api.CreateCpuMemoryInfo(OrtArenaAllocator, OrtMemTypeDefault, &memoryInfo)
        precondition(status == nil, "CreateCpuMemoryInfo cannot fail")
        self.cpuMemoryInfo = memoryInfo!
    }

    deinit {
        api.ReleaseMemoryInfo(cpuMemoryInfo)
        api.ReleaseEnv(environment)
    }

    /// The execution providers compiled into this ONNX Runtime build, by ONNX Runtime's names.
    public func availableProviders() throws -> [String] {
        var names: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
        var count: Int32 = 0
        try check(api.GetAvailableProviders(&names, &count))
        defer { _ = api.ReleaseAvailableProviders(names, count) }
        return (0..<Int(count)).compactMap { index in names?[index].map { String(cString: $0) } }
    }

    /// Frees a string ONNX Runtime allocated with the default allocator.
    func freeAllocated(_ pointer: UnsafeMutableRawPointer?) {
        guard let pointer else { return }
        _ = api.AllocatorFree(allocator, pointer)
    }

    static func isAtLeast(_ version: String, major: Int, minor: Int) -> Bool {
        let parts = version.split(separator: ".").map { Int($0.prefix { $0.isNumber }) ?? 0 }
        guard parts.count >= 2 else { return false }
        return parts[0] > major || (parts[0] == major && parts[1] >= minor)
    }
}

/// A per-path cache of loaded libraries: a library is opened once and kept for the life of the process.
final class LoadedCache<Value: AnyObject & Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [String: Value] = [:]

    func value(for path: String, create: () throws -> Value) throws -> Value {
        let key = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
        lock.lock()
        defer { lock.unlock() }
        if let value = values[key] { return value }
        let value = try create()
        values[key] = value
        return value
    }
}
