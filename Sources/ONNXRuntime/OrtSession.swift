import CONNXRuntime
import Foundation

/// The name, element type and shape of one model input or output; `-1` marks a dynamic dimension, whose
/// symbolic name (if the model gives one) is in `symbolicShape`.
public struct TensorInfo: Sendable, Equatable {
    public let name: String
    /// nil when the element type is one the gateway does not move (e.g. string).
    public let elementType: TensorElementType?
    public let shape: [Int]
    public let symbolicShape: [String]
}

/// An ONNX Runtime inference session on one model file, created through the execution-provider fallback chain.
/// `run` may be called from several threads at once (ONNX Runtime's `Run` is thread-safe); it blocks, so call it
/// from a thread of your own, never a NIO event loop or Swift's cooperative pool.
public final class OrtSession: @unchecked Sendable {
    public let runtime: OrtRuntime
    public let modelPath: String
    public let inputs: [TensorInfo]
    public let outputs: [TensorInfo]
    public let providerSelection: ProviderSelection
    let handle: OpaquePointer

    /// Creates a session on the first provider of `configuration.providers` that is in this ONNX Runtime build
    /// and accepts the model. Throws `OrtError(.noProvider)` listing every reason when none does.
    ///
    /// With a selection policy, ONNX Runtime picks the provider first; the provider running most of the graph's
    /// nodes (as the session records them) is reported as chosen, with the policy's note. When the policy cannot be
    /// applied (ONNX Runtime before 1.24, or a provider this server does not know), the ordered list serves and the
    /// note says why.
    public convenience init(runtime: OrtRuntime, modelPath: String, configuration: SessionConfiguration) throws {
        var policyNote: String?
        if let policy = configuration.policy {
            do {
                let options = try SessionOptions(runtime: runtime, configuration: configuration)
                try runtime.applyPolicy(policy, to: options.handle)
                try options.addPolicyProviderOptions(configuration.providerOptions)
                let handle = try Self.createSession(runtime: runtime, modelPath: modelPath, options: options)
                let nodes: [String: Int]
                do {
                    nodes = try runtime.nodesPerProvider(handle)
                } catch {
                    runtime.api.ReleaseSession(handle)
                    throw error
                }
                let ranked = nodes.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
                if let top = ranked.first, let kind = ExecutionProviderKind(name: top.key) {
                    let placement = ranked.map { "\($0.value) nodes on \($0.key)" }.joined(separator: ", ")
                    let devices = (try? runtime.epDevices()) ?? []
                    let types = Set(devices.map(\.type))
                    let wanted = policy.preferredDeviceType
                    let found = types.contains(wanted)
                        ? "a \(wanted) device is among ONNX Runtime's devices"
                        : "no \(wanted) device among ONNX Runtime's devices (\(types.sorted().joined(separator: ", ")))"
                    try self.init(runtime: runtime, modelPath: modelPath, handle: handle,
                                  selection: ProviderSelection(chosen: kind, skipped: [], policy: policy,
                                                               policyNote: "\(found); \(placement)"))
                    return
                }
                runtime.api.ReleaseSession(handle)
                policyNote = "ONNX Runtime placed the graph on \(ranked.first?.key ?? "no provider"), which this server "
                    + "does not know; the ordered list serves"
            } catch let error as OrtError {
                policyNote = "\(error.message); the ordered list serves"
            }
        }
        let available = Set(try runtime.availableProviders())
        var skipped: [ProviderSelection.Skip] = []
        for provider in configuration.providers {
            let builtIn = available.contains(provider.onnxRuntimeName)
            guard builtIn || runtime.hasDeviceAPI else {
                skipped.append(.init(provider: provider, reason: "not in this ONNX Runtime build"))
                continue
            }
            do {
                let options = try SessionOptions(runtime: runtime, configuration: configuration)
                let providerOptions = configuration.providerOptions[provider] ?? [:]
                if builtIn {
                    try options.appendProvider(provider, options: providerOptions)
                } else {
                    // A plugin provider (a registered library) joins by its devices.
                    let keys = providerOptions.keys.sorted()
                    try runtime.appendPluginProvider(provider.onnxRuntimeName, to: options.handle, keys: keys,
                                                     values: keys.map { providerOptions[$0] ?? "" })
                }
                let handle = try Self.createSession(runtime: runtime, modelPath: modelPath, options: options)
                try self.init(runtime: runtime, modelPath: modelPath, handle: handle,
                              selection: ProviderSelection(chosen: provider, skipped: skipped,
                                                           policy: configuration.policy, policyNote: policyNote))
                return
            } catch let error as OrtError {
                skipped.append(.init(provider: provider, reason: error.message))
            }
        }
        let reasons = skipped.map { "\($0.provider.rawValue): \($0.reason)" }.joined(separator: "; ")
        throw OrtError(.noProvider, "no execution provider could load \(modelPath) (\(reasons))")
    }

    private init(runtime: OrtRuntime, modelPath: String, handle: OpaquePointer, selection: ProviderSelection) throws {
        self.runtime = runtime
        self.modelPath = modelPath
        self.handle = handle
        self.providerSelection = selection
        do {
            self.inputs = try Self.describe(runtime: runtime, session: handle, outputs: false)
            self.outputs = try Self.describe(runtime: runtime, session: handle, outputs: true)
        } catch {
            runtime.api.ReleaseSession(handle)
            throw error
        }
    }

    deinit {
        runtime.api.ReleaseSession(handle)
    }

    private static func createSession(runtime: OrtRuntime, modelPath: String, options: SessionOptions) throws
        -> OpaquePointer
    {
        var session: OpaquePointer?
        try runtime.check(runtime.api.CreateSession(runtime.environment, modelPath, options.handle, &session))
        guard let session else { throw OrtError(.runtime, "CreateSession returned no session for \(modelPath)") }
        return session
    }

    /// Runs the model on `inputs` (by input name) and returns the requested outputs (all when nil) by name.
    public func run(_ inputs: [String: Tensor], outputNames: [String]? = nil) throws -> [String: Tensor] {
        let api = runtime.api
        let wanted = outputNames ?? outputs.map(\.name)
        for name in wanted where !outputs.contains(where: { $0.name == name }) {
            throw OrtError(.invalidArgument, "the model has no output named '\(name)'")
        }
        var inputValues: [OpaquePointer?] = []
        inputValues.reserveCapacity(inputs.count)
        defer { for value in inputValues { api.ReleaseValue(value) } }
        var inputNames: [String] = []
        for (name, tensor) in inputs.sorted(by: { $0.key < $1.key }) {
            guard self.inputs.contains(where: { $0.name == name }) else {
                throw OrtError(.invalidArgument, "the model has no input named '\(name)'")
            }
            inputValues.append(try makeValue(tensor, name: name))
            inputNames.append(name)
        }
        var outputValues = [OpaquePointer?](repeating: nil, count: wanted.count)
        defer { for value in outputValues { api.ReleaseValue(value) } }
        try withCStrings(inputNames) { inputNamePointers in
            try withCStrings(wanted) { outputNamePointers in
                try runtime.check(api.Run(
                    handle, nil, inputNamePointers, inputValues, inputValues.count,
                    outputNamePointers, wanted.count, &outputValues))
            }
        }
        var result: [String: Tensor] = [:]
        for (name, value) in zip(wanted, outputValues) {
            guard let value else { throw OrtError(.runtime, "ONNX Runtime returned no value for output '\(name)'") }
            result[name] = try readTensor(value, name: name)
        }
        return result
    }

    /// Copies a Swift tensor into a new ONNX Runtime-owned tensor value.
    private func makeValue(_ tensor: Tensor, name: String) throws -> OpaquePointer {
        let api = runtime.api
        let expected = tensor.shape.reduce(1, *)
        guard tensor.shape.allSatisfy({ $0 >= 0 }), expected == tensor.count else {
            throw OrtError(.invalidArgument,
                           "input '\(name)': shape \(tensor.shape) needs \(expected) elements, got \(tensor.count)")
        }
        var value: OpaquePointer?
        let shape = tensor.shape.map(Int64.init)
        try runtime.check(api.CreateTensorAsOrtValue(
            runtime.allocator, shape, shape.count,
            ONNXTensorElementDataType(rawValue: UInt32(tensor.elementType.rawValue)), &value))
        guard let value else { throw OrtError(.runtime, "CreateTensorAsOrtValue returned no value") }
        var data: UnsafeMutableRawPointer?
        do {
            try runtime.check(api.GetTensorMutableData(value, &data))
        } catch {
            api.ReleaseValue(value)
            throw error
        }
        if let data {
            tensor.withUnsafeBytes { bytes in
                if let base = bytes.baseAddress { data.copyMemory(from: base, byteCount: bytes.count) }
            }
        }
        return value
    }

    /// Copies an ONNX Runtime tensor value into a Swift tensor.
    private func readTensor(_ value: OpaquePointer, name: String) throws -> Tensor {
        let api = runtime.api
        var info: OpaquePointer?
        try runtime.check(api.GetTensorTypeAndShape(value, &info))
        defer { api.ReleaseTensorTypeAndShapeInfo(info) }
        let (rawType, shape) = try runtime.typeAndShape(info!)
        guard let type = TensorElementType(rawValue: rawType) else {
            throw OrtError(.invalidArgument, "output '\(name)' has element type \(rawType), which is not supported")
        }
        let count = shape.reduce(1, *)
        var data: UnsafeMutableRawPointer?
        try runtime.check(api.GetTensorMutableData(value, &data))
        guard count > 0, let data else { return Tensor.copying(from: UnsafeRawPointer(bitPattern: 1)!, type: type,
                                                               count: 0, shape: shape) }
        return Tensor.copying(from: data, type: type, count: count, shape: shape)
    }

    private static func describe(runtime: OrtRuntime, session: OpaquePointer, outputs: Bool) throws -> [TensorInfo] {
        let api = runtime.api
        var count = 0
        try runtime.check(outputs ? api.SessionGetOutputCount(session, &count) : api.SessionGetInputCount(session, &count))
        return try (0..<count).map { index in
            var namePointer: UnsafeMutablePointer<CChar>?
            try runtime.check(outputs
                ? api.SessionGetOutputName(session, index, runtime.allocator, &namePointer)
                : api.SessionGetInputName(session, index, runtime.allocator, &namePointer))
            let name = namePointer.map { String(cString: $0) } ?? ""
            runtime.freeAllocated(namePointer)
            var typeInfo: OpaquePointer?
            try runtime.check(outputs
                ? api.SessionGetOutputTypeInfo(session, index, &typeInfo)
                : api.SessionGetInputTypeInfo(session, index, &typeInfo))
            defer { api.ReleaseTypeInfo(typeInfo) }
            var tensorInfo: OpaquePointer?
            try runtime.check(api.CastTypeInfoToTensorInfo(typeInfo, &tensorInfo))
            guard let tensorInfo else {  // not a tensor (sequence, map): describe it as untyped
                return TensorInfo(name: name, elementType: nil, shape: [], symbolicShape: [])
            }
            let (rawType, shape) = try runtime.typeAndShape(tensorInfo)
            var symbols = [UnsafePointer<CChar>?](repeating: nil, count: shape.count)
            try runtime.check(api.GetSymbolicDimensions(tensorInfo, &symbols, symbols.count))
            return TensorInfo(name: name, elementType: TensorElementType(rawValue: rawType), shape: shape,
                              symbolicShape: symbols.map { $0.map { String(cString: $0) } ?? "" })
        }
    }
}

extension OrtRuntime {
    /// Element type and shape of an `OrtTensorTypeAndShapeInfo` (not released here).
    func typeAndShape(_ info: OpaquePointer) throws -> (Int32, [Int]) {
        var type = ONNXTensorElementDataType(rawValue: 0)
        try check(api.GetTensorElementType(info, &type))
        var rank = 0
        try check(api.GetDimensionsCount(info, &rank))
        var dims = [Int64](repeating: 0, count: rank)
        try check(api.GetDimensions(info, &dims, rank))
        return (Int32(bitPattern: type.rawValue), dims.map { Int($0) })
    }
}

/// Calls `body` with a C array of pointers to NUL-terminated copies of `strings`, valid during the call.
func withCStrings<R>(_ strings: [String], _ body: ([UnsafePointer<CChar>?]) throws -> R) rethrows -> R {
    let copies = strings.map { strdup($0) }
    defer { for copy in copies { free(copy) } }
    return try body(copies.map { UnsafePointer($0) })
}
