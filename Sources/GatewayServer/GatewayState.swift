import Foundation
import GatewayCore
import Logging
import ONNXRuntime

/// What every route shares: the configuration, the runtime libraries, the model manager (which owns the catalog),
/// the response store and the start time.
public final class GatewayState: Sendable {
    public static let version = "0.1.0"

    public let configuration: GatewayConfiguration
    public let runtime: InferenceRuntime
    public let models: ModelRegistry
    public let manager: ModelManager
    public let startedAt: Date
    /// The Responses API's store, opened at startup (or why it could not be).
    let responseStore: ResponseStoreSlot

    public init(configuration: GatewayConfiguration, runtime: InferenceRuntime, catalog: ModelCatalog,
                logger: Logger) {
        self.configuration = configuration
        self.runtime = runtime
        self.models = ModelRegistry()
        self.manager = ModelManager(catalog: catalog, runtime: runtime, configuration: configuration,
                                    registry: models, logger: logger)
        self.startedAt = Date()
        self.responseStore = ResponseStoreSlot.open(configuration: configuration, logger: logger)
    }
}
