import Foundation
import GatewayCore
import ONNXRuntime

/// What every route shares: the configuration, the runtime libraries, the model catalog and the start time.
public final class GatewayState: Sendable {
    public static let version = "0.1.0"

    public let configuration: GatewayConfiguration
    public let runtime: InferenceRuntime
    public let catalog: ModelCatalog
    public let models: ModelRegistry
    public let startedAt: Date

    public init(configuration: GatewayConfiguration, runtime: InferenceRuntime, catalog: ModelCatalog,
                models: ModelRegistry = ModelRegistry()) {
        self.configuration = configuration
        self.runtime = runtime
        self.catalog = catalog
        self.models = models
        self.startedAt = Date()
    }
}
