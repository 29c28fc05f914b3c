import ArgumentParser
import GatewayCore
import ONNXRuntime

/// `ai-gateway providers`: what this machine's ONNX Runtime offers, and what the preference list would pick.
struct ProvidersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "providers", abstract: "List the execution providers this machine's ONNX Runtime offers.")

    @OptionGroup var options: ConfigOptions

    func run() async throws {
        let configuration = try options.load()
        let runtime = InferenceRuntime.load(configuration: configuration)
        guard let ort = runtime.onnxRuntime else {
            throw CommandFailure(runtime.onnxRuntimeStatus.error ?? "ONNX Runtime is unavailable")
        }
        print("ONNX Runtime \(ort.version) (\(ort.path))")
        if let genAI = runtime.genAI {
            print("onnxruntime-genai \(genAI.version ?? "(version unknown)") (\(genAI.path))")
        } else {
            print("onnxruntime-genai unavailable: \(runtime.genAIStatus.error ?? "unknown reason")")
        }
        print("available providers: \(runtime.availableProviders.joined(separator: ", "))")
        for library in runtime.providerLibraries {
            print("plugin library \(library.name) (\(library.path)): \(library.error.map { "not registered: \($0)" } ?? "registered")")
        }
        if let error = runtime.devicesError {
            print("devices: unavailable (\(error))")
        } else {
            print("devices:")
            for device in runtime.devices {
                let details = device.metadata.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
                    .joined(separator: ", ")
                print("  \(device.type.padding(toLength: 4, withPad: " ", startingAt: 0)) \(device.provider) "
                      + "(\(device.vendor.isEmpty ? "vendor unknown" : device.vendor), vendor id \(device.vendorID), "
                      + "device id \(device.deviceID))\(details.isEmpty ? "" : ": \(details)")")
            }
        }
        print("preference:")
        let available = Set(runtime.availableProviders)
        for kind in configuration.providers {
            let state = available.contains(kind.onnxRuntimeName) ? "available" : "not in this ONNX Runtime build"
            print("  \(kind.rawValue.padding(toLength: 9, withPad: " ", startingAt: 0)) \(kind.onnxRuntimeName): \(state)")
        }
    }
}
