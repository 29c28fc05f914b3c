import ONNXRuntime

/// Whether one runtime library (ONNX Runtime or onnxruntime-genai) loaded, and if not, why.
public struct LibraryStatus: Sendable, Equatable {
    public var available: Bool
    public var version: String?
    public var path: String?
    /// The one-line reason it is unavailable (what was looked for, where, how to fix it).
    public var error: String?

    public static func loaded(version: String?, path: String) -> LibraryStatus {
        LibraryStatus(available: true, version: version, path: path, error: nil)
    }

    public static func unavailable(_ error: String) -> LibraryStatus {
        LibraryStatus(available: false, version: nil, path: nil, error: error)
    }
}

/// The runtime libraries the gateway loaded at start, or why it could not. The server starts either way; requests
/// that need a missing library get a 503 naming the reason.
public struct InferenceRuntime: Sendable {
    public let onnxRuntime: OrtRuntime?
    public let genAI: GenAIRuntime?
    public let onnxRuntimeStatus: LibraryStatus
    public let genAIStatus: LibraryStatus
    /// Providers compiled into the loaded ONNX Runtime, by ONNX Runtime's names; empty when it did not load.
    public let availableProviders: [String]
    /// The execution-provider / device pairs ONNX Runtime reports (after registering plugin libraries).
    public let devices: [EpDevice]
    /// Why `devices` is empty: ONNX Runtime missing or too old for discovery; nil when discovery ran.
    public let devicesError: String?
    /// The plugin libraries asked for, each registered or with its error.
    public let providerLibraries: [ProviderLibraryStatus]

    /// Loads both libraries from the configured paths (else `.runtime/lib/`), recording failures instead of
    /// throwing them.
    public static func load(configuration: GatewayConfiguration) -> InferenceRuntime {
        var ort: OrtRuntime?
        var ortStatus: LibraryStatus
        var providers: [String] = []
        do {
            let runtime = try OrtRuntime.load(explicitPath: configuration.onnxRuntimeLibrary)
            ort = runtime
            ortStatus = .loaded(version: runtime.version, path: runtime.path)
            providers = (try? runtime.availableProviders()) ?? []
        } catch {
            ortStatus = .unavailable("\(error)")
        }
        var libraries: [ProviderLibraryStatus] = []
        var devices: [EpDevice] = []
        var devicesError: String? = "ONNX Runtime is unavailable"
        if let ort {
            for library in configuration.executionProviderLibraries {
                do {
                    try ort.registerProviderLibrary(name: library.name, path: library.path)
                    libraries.append(ProviderLibraryStatus(name: library.name, path: library.path, error: nil))
                } catch let error as OrtError {
                    libraries.append(ProviderLibraryStatus(name: library.name, path: library.path, error: error.message))
                } catch {
                    libraries.append(ProviderLibraryStatus(name: library.name, path: library.path, error: "\(error)"))
                }
            }
            do {
                devices = try ort.epDevices()
                devicesError = nil
            } catch let error as OrtError {
                devicesError = error.message
            } catch {
                devicesError = "\(error)"
            }
        }
        var genAI: GenAIRuntime?
        var genAIStatus: LibraryStatus
        do {
            let runtime = try GenAIRuntime.load(explicitPath: configuration.genAILibrary,
                                                onnxRuntimePath: ort?.path)
            genAI = runtime
            genAIStatus = .loaded(version: runtime.version, path: runtime.path)
        } catch {
            genAIStatus = .unavailable("\(error)")
        }
        return InferenceRuntime(onnxRuntime: ort, genAI: genAI, onnxRuntimeStatus: ortStatus,
                                genAIStatus: genAIStatus, availableProviders: providers, devices: devices,
                                devicesError: devicesError, providerLibraries: libraries)
    }

    public init(onnxRuntime: OrtRuntime?, genAI: GenAIRuntime?, onnxRuntimeStatus: LibraryStatus,
                genAIStatus: LibraryStatus, availableProviders: [String], devices: [EpDevice] = [],
                devicesError: String? = nil, providerLibraries: [ProviderLibraryStatus] = []) {
        self.onnxRuntime = onnxRuntime
        self.genAI = genAI
        self.onnxRuntimeStatus = onnxRuntimeStatus
        self.genAIStatus = genAIStatus
        self.availableProviders = availableProviders
        self.devices = devices
        self.devicesError = devicesError
        self.providerLibraries = providerLibraries
    }
}
