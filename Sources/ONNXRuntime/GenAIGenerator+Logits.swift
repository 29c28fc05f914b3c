import CONNXRuntime
import Foundation

extension GenAIGenerator {
    /// The logits the next token will be chosen from, as a float32 copy with its shape, `[batchSize, 1,
    /// vocabularySize]` in onnxruntime-genai 0.18. After `generateNextToken` this runs the model on the chosen
    /// tokens first (work the next step then skips).
    public func logits() throws -> (values: [Float], shape: [Int]) {
        guard hasInput else { throw OrtError(.invalidArgument, "append a prompt before reading logits") }
        let runtime = model.runtime
        let functions = runtime.functions
        var tensor: OpaquePointer?
        try runtime.check(functions.generatorGetLogits(handle, &tensor), context: "cannot read the logits")
        guard let tensor else { throw OrtError(.genAI, "OgaGenerator_GetLogits returned nothing") }
        defer { functions.destroyTensor(tensor) }
        logitsAreStale = false
        return try Self.floats(of: tensor, runtime: runtime)
    }

    /// Replaces the logits the next token will be chosen from (the library copies them): for penalties, bans,
    /// forced tokens. `values` holds `batchSize * vocabularySize` float32 numbers, in the shape `logits()`
    /// reports (`[batch, vocab]` is taken too). After `generateNextToken`, the model first runs on the chosen
    /// tokens so that the replaced logits are those of the right step.
    public func setLogits(_ values: [Float], shape: [Int]) throws {
        guard hasInput else { throw OrtError(.invalidArgument, "append a prompt before setting logits") }
        let expected = options.batchSize * model.vocabularySize
        guard shape.allSatisfy({ $0 > 0 }), shape.reduce(1, *) == values.count else {
            throw OrtError(.invalidArgument, "logits shape \(shape) does not hold \(values.count) values")
        }
        guard values.count == expected, shape.first == options.batchSize, shape.last == model.vocabularySize else {
            throw OrtError(.invalidArgument, "logits must have shape [\(options.batchSize), 1, "
                           + "\(model.vocabularySize)] (\(expected) values), not \(shape)")
        }
        let runtime = model.runtime
        let functions = runtime.functions
        if logitsAreStale {
            var stale: OpaquePointer?
            try runtime.check(functions.generatorGetLogits(handle, &stale), context: "cannot compute the logits")
            functions.destroyTensor(stale)
            logitsAreStale = false
        }
        var buffer = values
        let dims = shape.map { Int64($0) }
        try buffer.withUnsafeMutableBytes { bytes in
            var tensor: OpaquePointer?
            try runtime.check(functions.createTensorFromBuffer(bytes.baseAddress, dims, dims.count,
                                                               AIGW_OGA_ELEMENT_TYPE_FLOAT32, &tensor),
                              context: "cannot wrap the logits in a tensor")
            guard let tensor else { throw OrtError(.genAI, "OgaCreateTensorFromBuffer returned nothing") }
            defer { functions.destroyTensor(tensor) }
            try runtime.check(functions.generatorSetLogits(handle, tensor), context: "cannot set the logits")
        }
    }

    /// Copies a float32 `OgaTensor` out with its shape.
    static func floats(of tensor: OpaquePointer, runtime: GenAIRuntime) throws -> (values: [Float], shape: [Int]) {
        let functions = runtime.functions
        var type = AIGW_OGA_ELEMENT_TYPE_UNDEFINED
        try runtime.check(functions.tensorGetType(tensor, &type))
        guard type == AIGW_OGA_ELEMENT_TYPE_FLOAT32 else {
            throw OrtError(.genAI, "expected float32 logits, got onnxruntime-genai element type \(type.rawValue)")
        }
        var rank = 0
        try runtime.check(functions.tensorGetShapeRank(tensor, &rank))
        var dims = [Int64](repeating: 0, count: rank)
        try runtime.check(functions.tensorGetShape(tensor, &dims, rank))
        let shape = dims.map { Int($0) }
        let count = shape.reduce(1, *)
        var data: UnsafeMutableRawPointer?
        try runtime.check(functions.tensorGetData(tensor, &data))
        guard let data else { return ([], shape) }
        let values = Array(UnsafeBufferPointer(start: data.assumingMemoryBound(to: Float.self), count: count))
        return (values, shape)
    }
}
