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
            devices: runtime.devices.map {
                HealthReport.Device(provider: $0.provider, providerVendor: $0.providerVendor, type: $0.type,
                                    vendor: $0.vendor, vendorID: $0.vendorID, deviceID: $0.deviceID,
                                    metadata: $0.metadata)
            },
            devicesError: runtime.devicesError,
            providerLibraries: runtime.providerLibraries.map {
                HealthReport.ProviderLibrary(name: $0.name, path: $0.path, registered: $0.error == nil, error: $0.error)
            },
            models: models,
            activeGenerations: state.manager.activeGenerations(),
            memory: .init(rssBytes: ProcessMemory.residentBytes(), systemUsedPercent: ProcessMemory.systemUsedPercent(),
                          budgetBytes: state.manager.budget, modelsBytes: state.manager.usedBytes)
        )
        return JSONResponse.make(report)
    }
}
