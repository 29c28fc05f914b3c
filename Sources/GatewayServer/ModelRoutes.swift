import GatewayCore
import Hummingbird
import OpenAIAPI

/// `GET /v1/models` and `GET /v1/models/{id}`: the models in the models directory, in OpenAI's shape, with the
/// provider serving each loaded one.
struct ModelRoutes: Sendable {
    let state: GatewayState

    func list() -> Response {
        JSONResponse.make(ModelList(data: state.catalog.entries.map(object(for:))))
    }

    func get(id: String) throws -> Response {
        guard let entry = state.catalog.entry(id: id) else { throw APIError(.notFound, "The model '\(id)' does not exist", code: "model_not_found") }
        return JSONResponse.make(object(for: entry))
    }

    private func object(for entry: ModelEntry) -> ModelObject {
        let loaded = state.models.info(id: entry.id)
        let skipped = loaded.map { info in
            info.provider.skipped.map { ProviderSkip(provider: $0.provider.rawValue, reason: $0.reason) }
        }
        return ModelObject(id: entry.id, created: entry.created, kind: entry.kind.rawValue,
                           provider: loaded?.provider.chosen.onnxRuntimeName, providerSkipped: skipped)
    }
}
