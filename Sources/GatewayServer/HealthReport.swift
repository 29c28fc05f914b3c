import GatewayCore
import OpenAIAPI

/// The body of `GET /health`.
struct HealthReport: Encodable {
    /// A runtime library's state.
    struct Library: Encodable {
        let available: Bool
        let version: String?
        let library: String?
        let error: String?

        init(_ status: LibraryStatus) {
            available = status.available
            version = status.version
            library = status.path
            error = status.error
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(available, forKey: .available)
            try container.encode(version, forKey: .version)
            try container.encode(library, forKey: .library)
            try container.encode(error, forKey: .error)
        }

        enum CodingKeys: String, CodingKey { case available, version, library, error }
    }

    /// A loaded model and the provider serving it.
    struct Model: Encodable {
        let id: String
        let kind: String
        let provider: String
        let skipped: [ProviderSkip]
    }

    /// An execution-provider / device pair ONNX Runtime reports.
    struct Device: Encodable {
        let provider: String
        let providerVendor: String
        let type: String
        let vendor: String
        let vendorID: UInt32
        let deviceID: UInt32
        let metadata: [String: String]

        enum CodingKeys: String, CodingKey {
            case provider, type, vendor, metadata
            case providerVendor = "provider_vendor"
            case vendorID = "vendor_id"
            case deviceID = "device_id"
        }
    }

    /// A plugin execution-provider library and whether it registered.
    struct ProviderLibrary: Encodable {
        let name: String
        let path: String
        let registered: Bool
        let error: String?

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(name, forKey: .name)
            try container.encode(path, forKey: .path)
            try container.encode(registered, forKey: .registered)
            try container.encode(error, forKey: .error)
        }

        enum CodingKeys: String, CodingKey { case name, path, registered, error }
    }

    /// Memory in use.
    struct Memory: Encodable {
        let rssBytes: Int
        let systemUsedPercent: Double
        /// The memory budget for loaded models.
        let budgetBytes: Int
        /// Memory charged to the budget now.
        let modelsBytes: Int

        enum CodingKeys: String, CodingKey {
            case rssBytes = "rss_bytes"
            case systemUsedPercent = "system_used_percent"
            case budgetBytes = "budget_bytes"
            case modelsBytes = "models_bytes"
        }
    }

    let status: String
    let version: String
    let uptimeSeconds: Double
    let onnxruntime: Library
    let genai: Library
    let providers: [String]
    /// What ONNX Runtime's device discovery reports (empty with `devicesError` when it is unavailable).
    let devices: [Device]
    let devicesError: String?
    let providerLibraries: [ProviderLibrary]
    let models: [Model]
    /// Chat generations running now.
    let activeGenerations: Int
    let memory: Memory

    enum CodingKeys: String, CodingKey {
        case status, version, onnxruntime, genai, providers, devices, models, memory
        case devicesError = "devices_error"
        case providerLibraries = "provider_libraries"
        case uptimeSeconds = "uptime_seconds"
        case activeGenerations = "active_generations"
    }
}
