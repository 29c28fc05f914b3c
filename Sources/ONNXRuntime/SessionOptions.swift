import CONNXRuntime

/// An `OrtSessionOptions`: threads, graph optimisation and at most one appended execution provider.
final class SessionOptions {
    let runtime: OrtRuntime
    let handle: OpaquePointer

    init(runtime: OrtRuntime, configuration: SessionConfiguration) throws {
        self.runtime = runtime
        var options: OpaquePointer?
        try runtime.check(runtime.api.CreateSessionOptions(&options))
        self.handle = options!
        let api = runtime.api
        try runtime.check(api.SetIntraOpNumThreads(handle, Int32(configuration.intraOpThreads)))
        try runtime.check(api.SetInterOpNumThreads(handle, Int32(configuration.interOpThreads)))
        let level: AIGWGraphOptimizationLevel =
            switch configuration.graphOptimization {
            case .disabled: ORT_DISABLE_ALL
            case .basic: ORT_ENABLE_BASIC
            case .extended: ORT_ENABLE_EXTENDED
            case .all: ORT_ENABLE_ALL
            }
        try runtime.check(api.SetSessionGraphOptimizationLevel(handle, level))
    }

    deinit {
        runtime.api.ReleaseSessionOptions(handle)
    }

    /// Appends `provider` with `options`; the CPU provider is ONNX Runtime's implicit last resort and needs no call.
    func appendProvider(_ provider: ExecutionProviderKind, options: [String: String]) throws {
        let api = runtime.api
        let keys = options.keys.sorted()
        let values = keys.map { options[$0]! }
        switch provider {
        case .cpu:
            return
        case .cuda, .tensorrt:
            try appendV2(provider, keys: keys, values: values)
        case .qnn, .openvino, .coreml, .dml:
            let name =
                switch provider {
                case .qnn: "QNN"
                case .openvino: "OpenVINO"
                case .coreml: "CoreML"
                default: "DML"
                }
            try withCStrings(keys) { keyPointers in
                try withCStrings(values) { valuePointers in
                    try runtime.check(api.SessionOptionsAppendExecutionProvider(
                        handle, name, keyPointers, valuePointers, keys.count))
                }
            }
        }
    }

    /// Under a selection policy no provider is appended, so each provider's options go where ONNX Runtime's
    /// providers read them when the policy creates them: session config entries `ep.<provider name, lowercased>.<key>`.
    func addPolicyProviderOptions(_ providerOptions: [ExecutionProviderKind: [String: String]]) throws {
        for (key, value) in Self.policyConfigEntries(providerOptions) {
            try runtime.check(runtime.api.AddSessionConfigEntry(handle, key, value))
        }
    }

    /// The session config entries that carry `providerOptions` to the providers a policy creates, sorted by key.
    static func policyConfigEntries(_ providerOptions: [ExecutionProviderKind: [String: String]])
        -> [(key: String, value: String)]
    {
        providerOptions.flatMap { provider, options in
            options.map { (key: "ep.\(provider.onnxRuntimeName.lowercased()).\($0.key)", value: $0.value) }
        }.sorted { $0.key < $1.key }
    }

    /// CUDA and TensorRT take their options through a V2 options object.
    private func appendV2(_ provider: ExecutionProviderKind, keys: [String], values: [String]) throws {
        let api = runtime.api
        if provider == .cuda {
            var cudaOptions: OpaquePointer?
            try runtime.check(api.CreateCUDAProviderOptions(&cudaOptions))
            defer { api.ReleaseCUDAProviderOptions(cudaOptions) }
            try withCStrings(keys) { keyPointers in
                try withCStrings(values) { valuePointers in
                    try runtime.check(api.UpdateCUDAProviderOptions(cudaOptions, keyPointers, valuePointers, keys.count))
                }
            }
            try runtime.check(api.SessionOptionsAppendExecutionProvider_CUDA_V2(handle, cudaOptions))
        } else {
            var trtOptions: OpaquePointer?
            try runtime.check(api.CreateTensorRTProviderOptions(&trtOptions))
            defer { api.ReleaseTensorRTProviderOptions(trtOptions) }
            try withCStrings(keys) { keyPointers in
                try withCStrings(values) { valuePointers in
                    try runtime.check(api.UpdateTensorRTProviderOptions(trtOptions, keyPointers, valuePointers,
                                                                        keys.count))
                }
            }
            try runtime.check(api.SessionOptionsAppendExecutionProvider_TensorRT_V2(handle, trtOptions))
        }
    }
}
