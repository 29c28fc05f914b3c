import Foundation
import GatewayCore
import Hummingbird
import Logging
import OpenAIAPI

/// Builds the gateway application: the one composition root used by `ai-gateway serve` and by the tests.
/// - Parameters:
///   - configuration: the merged configuration.
///   - runtime: the loaded runtime libraries; nil loads them from the configuration.
///   - logger: the server's logger.
public func buildApplication(
    configuration: GatewayConfiguration,
    runtime: InferenceRuntime? = nil,
    logger: Logger
) -> some ApplicationProtocol {
    let runtime = runtime ?? InferenceRuntime.load(configuration: configuration)
    logRuntime(runtime, logger: logger)
    let catalog = ModelCatalog.scan(directory: URL(fileURLWithPath: configuration.modelsDirectory))
    let state = GatewayState(configuration: configuration, runtime: runtime, catalog: catalog, logger: logger)
    let router = buildRouter(state: state)
    var app = Application(
        router: router,
        configuration: .init(address: .hostname(configuration.host, port: configuration.port),
                             serverName: "ai-gateway"),
        logger: logger
    )
    if configuration.preloadModels {
        app.beforeServerStarts { await state.manager.preload() }
    }
    return app
}

/// Builds the router with every route and the middleware that wraps them.
func buildRouter(state: GatewayState) -> Router<BasicRequestContext> {
    let router = Router(context: BasicRequestContext.self)
    var routes = RouteTable()
    routes.add(.get, "/health")
    routes.add(.get, "/v1/models")
    routes.add(.get, "/v1/models/{id}")
    routes.add(.post, "/v1/embeddings")
    routes.add(.post, "/v1/chat/completions")
    routes.add(.post, "/v1/completions")
    router.add(middleware: ErrorMiddleware(maxBodyBytes: state.configuration.maxBodyBytes, routes: routes))

    let health = HealthRoutes(state: state)
    router.get("/health") { _, _ in await health.report() }
    let models = ModelRoutes(state: state)
    router.get("/v1/models") { _, _ in models.list() }
    router.get("/v1/models/{id}") { _, context in try models.get(id: context.parameters.require("id")) }
    let embeddings = EmbeddingRoutes(state: state)
    router.post("/v1/embeddings") { request, _ in try await embeddings.create(request) }
    let chat = ChatRoutes(state: state)
    router.post("/v1/chat/completions") { request, _ in try await chat.chat(request) }
    router.post("/v1/completions") { request, _ in try await chat.completion(request) }
    return router
}

private func logRuntime(_ runtime: InferenceRuntime, logger: Logger) {
    for (name, status) in [("ONNX Runtime", runtime.onnxRuntimeStatus), ("onnxruntime-genai", runtime.genAIStatus)] {
        if status.available {
            logger.info("\(name) \(status.version ?? "(version unknown)") loaded from \(status.path ?? "?")")
        } else {
            logger.error("\(name) unavailable: \(status.error ?? "unknown reason")")
        }
    }
    if !runtime.availableProviders.isEmpty {
        logger.info("execution providers in this ONNX Runtime build: \(runtime.availableProviders.joined(separator: ", "))")
    }
}
