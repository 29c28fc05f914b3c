import Foundation
import GatewayCore
import Hummingbird
import OpenAIAPI

/// `GET /health`: status, versions, runtime availability, providers, loaded models and memory.
struct HealthRoutes: Sendable {
    let state: GatewayState

    func report() async -> Response {
        let runtime = state.runtime
        let healthy = runtime.onnxRuntimeStatus.available && runtime.genAIStatus.available
        let models = state.models.all.map { info in
            HealthReport.Model(
                id: info.id, kind: info.kind.rawValue, provider: info.provider.chosen.onnxRuntimeName,
                skipped: info.provider.skipped.map { ProviderSkip(provider: $0.provider.rawValue, reason: $0.reason) })
        }
        let report = HealthReport(
            status: healthy ? "ok" : "degraded",
            version: GatewayState.version,
            uptimeSeconds: (Date().timeIntervalSince(state.startedAt) * 1000).rounded() / 1000,
            onnxruntime: .init(runtime.onnxRuntimeStatus),
            genai: .init(runtime.genAIStatus),
            providers: runtime.availableProviders,
            models: models,
            activeGenerations: state.manager.activeGenerations(),
            memory: .init(rssBytes: ProcessMemory.residentBytes(), systemUsedPercent: ProcessMemory.systemUsedPercent(),
                          budgetBytes: state.manager.budget, modelsBytes: state.manager.usedBytes)
        )
        return JSONResponse.make(report)
    }
}
