import CONNXRuntime

/// A tensor in memory the caller owns, bound to a model input or output by name: ONNX Runtime reads an input
/// from it and writes an output into it, with no copy. The memory must stay valid and unmoved during the run.
public struct BoundTensor {
    public let name: String
    public let data: UnsafeMutableRawPointer
    public let type: TensorElementType
    public let shape: [Int]

    public init(name: String, data: UnsafeMutableRawPointer, type: TensorElementType, shape: [Int]) {
        self.name = name
        self.data = data
        self.type = type
        self.shape = shape
    }

    var byteCount: Int { shape.reduce(1, *) * type.byteSize }
}

extension OrtSession {
    /// Runs the model with every input and output in caller-owned memory: ONNX Runtime writes each output into the
    /// buffer given for it, so a KV cache passed as both a `past` input and a `present` output is updated in place.
    /// (A plain `Run` with pre-allocated outputs: measured 3-4 % faster than I/O binding for a 4-row decode step.)
    /// Blocks: call it from a thread of your own.
    public func run(inputs: [BoundTensor], outputs: [BoundTensor]) throws {
        let api = runtime.api
        var values: [OpaquePointer?] = []
        values.reserveCapacity(inputs.count + outputs.count)
        defer { for value in values { api.ReleaseValue(value) } }
        func value(for tensor: BoundTensor) throws -> OpaquePointer {
            guard tensor.shape.allSatisfy({ $0 >= 0 }) else {
                throw OrtError(.invalidArgument, "'\(tensor.name)': negative dimension in \(tensor.shape)")
            }
            let shape = tensor.shape.map(Int64.init)
            var created: OpaquePointer?
            try runtime.check(api.CreateTensorWithDataAsOrtValue(
                runtime.cpuMemoryInfo, tensor.data, tensor.byteCount, shape, shape.count,
                ONNXTensorElementDataType(rawValue: UInt32(tensor.type.rawValue)), &created))
            guard let created else { throw OrtError(.runtime, "CreateTensorWithDataAsOrtValue returned no value") }
            values.append(created)
            return created
        }
        let inputValues: [OpaquePointer?] = try inputs.map { try value(for: $0) }
        var outputValues: [OpaquePointer?] = try outputs.map { try value(for: $0) }
        try withCStrings(inputs.map(\.name)) { inputNames in
            try withCStrings(outputs.map(\.name)) { outputNames in
                try runtime.check(api.Run(handle, nil, inputNames, inputValues, inputValues.count,
                                          outputNames, outputValues.count, &outputValues))
            }
        }
    }
}
