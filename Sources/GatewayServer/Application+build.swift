import Foundation
import GatewayCore
import Hummingbird
import Logging
import OpenAIAPI
import ServiceLifecycle

/// The application type `buildApplication` returns.
public typealias GatewayApplication = Application<RouterResponder<GatewayRequestContext>>

/// Builds the gateway application: the one composition root used by `ai-gateway serve` and by the tests. The
/// model manager runs as a Service inside it, shut down (threads joined, models released) after the HTTP server
/// has drained.
/// - Parameters:
///   - configuration: the merged configuration.
///   - runtime: the loaded runtime libraries; nil loads them from the configuration.
///   - logger: the server's logger.
public func buildApplication(
    configuration: GatewayConfiguration,
    runtime: InferenceRuntime? = nil,
    logger: Logger
) -> GatewayApplication {
    buildGateway(configuration: configuration, runtime: runtime, logger: logger).application
}

/// The application and the service that bounds a shutdown's grace period.
public struct Gateway: Sendable {
    public let application: GatewayApplication
    /// Put it after the application in the process's ServiceGroup: on SIGTERM it is told first, starts the grace
    /// clock, and when the grace is over stops every generation still running so the server can finish draining.
    public let shutdownGrace: ShutdownGraceService
}

/// Builds the application with its shutdown-grace service.
public func buildGateway(configuration: GatewayConfiguration, runtime: InferenceRuntime? = nil,
                         logger: Logger) -> Gateway {
    _ = GatewayMetrics.registry
    let runtime = runtime ?? InferenceRuntime.load(configuration: configuration)
    logRuntime(runtime, logger: logger)
    let catalog = ModelCatalog.scan(directory: URL(fileURLWithPath: configuration.modelsDirectory))
    let state = GatewayState(configuration: configuration, runtime: runtime, catalog: catalog, logger: logger)
    let router = buildRouter(state: state)
    var app = Application(
        router: router,
        configuration: .init(address: .hostname(configuration.host, port: configuration.port),
                             serverName: "ai-gateway"),
        services: [ModelManagerService(manager: state.manager) as any Service]
            + responseStoreServices(state: state, logger: logger),
        logger: logger
    )
    if !configuration.preload.isEmpty {
        let names = configuration.preload
        app.beforeServerStarts { await state.manager.preload(names) }
    }
    let grace = ShutdownGraceService(manager: state.manager, grace: configuration.shutdownGraceSeconds,
                                     logger: logger)
    return Gateway(application: app, shutdownGrace: grace)
}

/// Builds the router with every route and the middleware that wraps them.
func buildRouter(state: GatewayState) -> Router<GatewayRequestContext> {
    let configuration = state.configuration
    let router = Router(context: GatewayRequestContext.self)
    let routes = RouteTable.gateway
    router.add(middleware: RequestLogMiddleware(logBodies: configuration.logBodies))
    router.add(middleware: MetricsMiddleware())
    router.add(middleware: GatewayCORSMiddleware(origins: configuration.corsAllowedOrigins))
    router.add(middleware: ErrorMiddleware(maxBodyBytes: configuration.maxBodyBytes, routes: routes))
    router.add(middleware: AuthMiddleware(keys: configuration.apiKeys, protectHealth: configuration.healthRequiresAuth))
    let timeout = configuration.requestTimeoutSeconds > 0
        ? Duration.milliseconds(Int64(configuration.requestTimeoutSeconds * 1000)) : nil
    router.add(middleware: ClientWatchMiddleware(timeout: timeout))

    let health = HealthRoutes(state: state)
    router.get("/health") { _, _ in await health.report() }
    router.get("/metrics") { _, _ in
        Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                 body: .init(byteBuffer: ByteBuffer(string: GatewayMetrics.render())))
    }
    router.get("/openapi.json") { _, _ in
        Response(status: .ok, headers: [.contentType: "application/json"],
                 body: .init(byteBuffer: ByteBuffer(bytes: OpenAPIDocument.bytes)))
    }
    let models = ModelRoutes(state: state)
    router.get("/v1/models") { _, _ in models.list() }
    let pulls = PullRoutes(state: state)
    router.post("/v1/models/pull") { request, context in try await pulls.pull(request, context: context) }
    router.get("/v1/models/{id}") { _, context in try models.get(id: context.parameters.require("id")) }
    router.post("/v1/models/{id}/load") { request, context in
        try await models.load(id: context.parameters.require("id"), request: request, context: context)
    }
    router.post("/v1/models/{id}/unload") { request, context in
        try await models.unload(id: context.parameters.require("id"), request: request, context: context)
    }
    let embeddings = EmbeddingRoutes(state: state)
    router.post("/v1/embeddings") { request, context in try await embeddings.create(request, context: context) }
    let chat = ChatRoutes(state: state)
    router.post("/v1/chat/completions") { request, context in try await chat.chat(request, context: context) }
    router.post("/v1/completions") { request, context in try await chat.completion(request, context: context) }
    let messages = MessagesRoutes(chat: chat)
    router.post("/v1/messages") { request, context in try await messages.create(request, context: context) }
    router.post("/v1/messages/count_tokens") { request, context in
        try await messages.countTokens(request, context: context)
    }
    let responses = ResponsesRoutes(state: state)
    router.post("/v1/responses") { request, context in try await responses.create(request, context: context) }
    router.get("/v1/responses/{id}") { _, context in try await responses.get(id: context.parameters.require("id")) }
    router.delete("/v1/responses/{id}") { _, context in
        try await responses.delete(id: context.parameters.require("id"))
    }
    let tokenize = TokenizeRoutes(state: state)
    router.post("/tokenize") { request, context in try await tokenize.tokenize(request, context: context) }
    router.post("/detokenize") { request, context in try await tokenize.detokenize(request, context: context) }
    return router
}

extension RouteTable {
    /// Every (method, path) the gateway serves; `/openapi.json` documents exactly these.
    static let gateway: RouteTable = {
        var routes = RouteTable()
        routes.add(.get, "/health")
        routes.add(.get, "/metrics")
        routes.add(.get, "/openapi.json")
        routes.add(.get, "/v1/models")
        routes.add(.get, "/v1/models/{id}")
        routes.add(.post, "/v1/models/pull")
        routes.add(.post, "/v1/models/{id}/load")
        routes.add(.post, "/v1/models/{id}/unload")
        routes.add(.post, "/v1/embeddings")
        routes.add(.post, "/v1/chat/completions")
        routes.add(.post, "/v1/completions")
        routes.add(.post, "/v1/messages")
        routes.add(.post, "/v1/messages/count_tokens")
        routes.add(.post, "/v1/responses")
        routes.add(.get, "/v1/responses/{id}")
        routes.add(.delete, "/v1/responses/{id}")
        routes.add(.post, "/tokenize")
        routes.add(.post, "/detokenize")
        return routes
    }()
}

/// The purge of expired stored responses, when the store is open.
private func responseStoreServices(state: GatewayState, logger: Logger) -> [any Service] {
    guard case .open(let store) = state.responseStore else { return [] }
    return [ResponseStorePurgeService(store: store, logger: logger)]
}

/// The OpenAPI 3 document of every route (`Resources/openapi.json`, embedded at build time).
enum OpenAPIDocument {
    static let bytes: [UInt8] = PackageResources.openapi_json
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
