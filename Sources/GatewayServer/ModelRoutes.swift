import Foundation
import GatewayCore
import Hummingbird
import OpenAIAPI

/// `GET /v1/models`, `GET /v1/models/{id}`, `POST /v1/models/{id}/load` and `POST /v1/models/{id}/unload`: the
/// models in the models folder in OpenAI's shape, with their state (available, loading, loaded, unloading,
/// failed with the error), provider, memory, context length, aliases and keep-alive.
struct ModelRoutes: Sendable {
    let state: GatewayState

    func list() -> Response {
        state.manager.refreshCatalog()
        return JSONResponse.make(ModelList(data: state.manager.statuses().map(object(for:))))
    }

    func get(id: String) throws -> Response {
        let entry: ModelEntry
        do {
            entry = try state.manager.resolve(id)
        } catch {
            // As OpenAI's retrieve-model: the id is in the path, so no body field is at fault.
            throw APIError(.notFound, error.message, code: error.code.rawValue)
        }
        return JSONResponse.make(object(for: status(entry)))
    }

    func load(id: String, request: Request, context: GatewayRequestContext) async throws -> Response {
        let body = try await Self.optionalBody(ModelLoadRequest.self, request: request, limit: 64 * 1024)
        ?? ModelLoadRequest()
        context.info.update { $0.model = id }
        let status = try await Self.pathID {
            try await state.manager.load(name: id, keepAlive: body.keepAlive, requestLogger: context.logger)
        }
        return JSONResponse.make(object(for: status))
    }

    func unload(id: String, request: Request, context: GatewayRequestContext) async throws -> Response {
        let body = try await Self.optionalBody(ModelUnloadRequest.self, request: request, limit: 64 * 1024)
        ?? ModelUnloadRequest()
        context.info.update { $0.model = id }
        let status = try await Self.pathID { try await state.manager.unload(name: id, force: body.force) }
        return JSONResponse.make(object(for: status))
    }

    private func status(_ entry: ModelEntry) -> ModelStatus {
        state.manager.report(of: entry)
    }

    /// Runs `body`; a core error names no body field, since the model's id came in the path.
    private static func pathID<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as ServingError {
            var mapped = ErrorMapping.apiError(error)
            mapped.param = nil
            throw mapped
        }
    }

    /// A JSON body when one was sent; nil for an empty body.
    private static func optionalBody<T: Decodable & Sendable>(_ type: T.Type, request: Request, limit: Int)
        async throws -> T?
    {
        try await JSONResponse.decodeOptional(type, from: request, limit: limit, allowEmpty: true)
    }

    func object(for status: ModelStatus) -> ModelObject {
        var object = Self.object(for: status)
        if status.entry.problem == nil {
            object.estimatedBytes = status.entry.estimatedBytes(rows: state.configuration.maxBatchSize)
        }
        let options = ModelManager.providerOptions(status.entry, state.configuration)
        if !options.isEmpty {
            object.providerOptions = Dictionary(uniqueKeysWithValues: options.map { ($0.key.rawValue, $0.value) })
        }
        return object
    }

    static func object(for status: ModelStatus) -> ModelObject {
        let entry = status.entry
        var object = ModelObject(
            id: entry.id, created: entry.created, kind: entry.kind?.rawValue,
            provider: status.provider?.chosen.onnxRuntimeName,
            providerSkipped: status.provider.map { selection in
                selection.skipped.map { ProviderSkip(provider: $0.provider.rawValue, reason: $0.reason) }
            })
        object.status = status.state.rawValue
        object.error = status.error
        object.aliases = entry.aliases
        object.contextLength = status.loaded?.contextLength ?? entry.contextLength
        object.engine = status.loaded?.engine
        object.engineReason = status.loaded?.engineNote
        object.kvCacheRows = status.loaded?.kvCacheRows
        object.kvCacheRowTokens = status.loaded?.kvCacheRowTokens
        object.toolTemplate = status.loaded?.toolTemplate
        object.toolCallFormat = status.loaded?.toolCallFormat
        object.providerPolicy = status.provider?.policy?.rawValue
        object.providerPolicyNote = status.provider?.policyNote
        object.residentBytes = status.residentBytes
        object.keepAlive = status.keepAlive.reportedSeconds
        object.expiresAt = status.expiresAt.map { Int($0.timeIntervalSince1970.rounded(.up)) }
        object.activeRequests = status.state == .loaded ? status.leases : nil
        return object
    }
}
