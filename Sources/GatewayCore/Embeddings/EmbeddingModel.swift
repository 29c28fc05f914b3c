import Foundation
import ONNXRuntime
import Tokenizers

/// A loaded sentence-embedding model: tokenizer, ONNX Runtime session and pooling. `run` is synchronous and
/// blocking; the batcher calls it from its own thread.
public final class EmbeddingModel: Sendable {
    public let id: String
    public let tokenizer: WordPieceTokenizer
    public let configuration: EmbeddingModelConfiguration
    public let session: OrtSession
    /// The longest input accepted, in tokens with specials.
    public let maxTokens: Int
    /// Width of the embeddings.
    public let dimensions: Int
    private let inputIDsName: String
    private let maskName: String?
    private let typeIDsName: String?
    private let idType: TensorElementType
    private let outputName: String
    private let outputIsPooled: Bool

    /// Loads the folder's tokenizer and model; the session goes through the provider fallback chain.
    public init(id: String, directory: URL, runtime: OrtRuntime, sessionConfiguration: SessionConfiguration) throws {
        self.id = id
        let configuration = try EmbeddingModelConfiguration.read(directory: directory)
        self.configuration = configuration
        do {
            self.tokenizer = try WordPieceTokenizer(directory: directory)
        } catch {
            throw ServingError.unavailable("cannot load the tokenizer of \(id): \(error)")
        }
        let session = try OrtSession(runtime: runtime, modelPath: configuration.modelFile.path,
                                     configuration: sessionConfiguration)
        self.session = session
        guard let ids = session.inputs.first(where: { $0.name == "input_ids" }) else {
            throw ServingError.unavailable("\(id): the model has no input named input_ids "
                                           + "(inputs: \(session.inputs.map(\.name).joined(separator: ", ")))")
        }
        guard ids.elementType == .int64 || ids.elementType == .int32 else {
            throw ServingError.unavailable("\(id): input_ids must be int64 or int32")
        }
        inputIDsName = ids.name
        idType = ids.elementType ?? .int64
        maskName = session.inputs.first { $0.name == "attention_mask" }?.name
        typeIDsName = session.inputs.first { $0.name == "token_type_ids" }?.name
        if let pooled = session.outputs.first(where: { $0.name == "sentence_embedding" }) {
            outputName = pooled.name
            outputIsPooled = true
            dimensions = pooled.shape.last ?? -1
        } else if let hidden = session.outputs.first(where: { $0.name == "last_hidden_state" })
            ?? session.outputs.first(where: { $0.shape.count == 3 })
        {
            outputName = hidden.name
            outputIsPooled = false
            dimensions = hidden.shape.last ?? -1
        } else {
            throw ServingError.unavailable("\(id): the model has neither a sentence_embedding output nor a rank-3 "
                                           + "token output")
        }
        guard dimensions > 0 else { throw ServingError.unavailable("\(id): the output width is not fixed") }
        let limits = [configuration.maxSequenceLength, tokenizer.modelMaxLength].compactMap { $0 }
        self.maxTokens = limits.min() ?? 512
    }

    /// Embeds one padded batch of token sequences (each already within `maxTokens`), returning one vector per
    /// sequence, pooled and (if the model says so) normalised.
    public func run(_ sequences: [[Int32]]) throws -> [[Float]] {
        guard !sequences.isEmpty else { return [] }
        let width = sequences.map(\.count).max() ?? 0
        let batch = sequences.count
        var ids = [Int64](repeating: Int64(tokenizer.padTokenID), count: batch * width)
        var mask = [[Int64]](repeating: [Int64](repeating: 0, count: width), count: batch)
        for (row, sequence) in sequences.enumerated() {
            for (column, token) in sequence.enumerated() {
                ids[row * width + column] = Int64(token)
                mask[row][column] = 1
            }
        }
        let shape = [batch, width]
        func tensor(_ values: [Int64]) -> Tensor {
            idType == .int32 ? Tensor(int32: values.map { Int32($0) }, shape: shape) : Tensor(int64: values, shape: shape)
        }
        var inputs: [String: Tensor] = [inputIDsName: tensor(ids)]
        if let maskName { inputs[maskName] = tensor(mask.flatMap { $0 }) }
        if let typeIDsName { inputs[typeIDsName] = tensor([Int64](repeating: 0, count: batch * width)) }
        let outputs = try session.run(inputs, outputNames: [outputName])
        guard let output = outputs[outputName], let values = output.floats else {
            throw ServingError(.engineFailure, "\(id): the model returned no float output")
        }
        var vectors: [[Float]]
        if outputIsPooled {
            vectors = (0..<batch).map { Array(values[($0 * dimensions)..<(($0 + 1) * dimensions)]) }
        } else {
            vectors = values.withUnsafeBufferPointer { buffer in
                configuration.pooling.pool(hidden: buffer, mask: mask, sequence: width, width: dimensions)
            }
        }
        if configuration.normalize {
            for index in vectors.indices { VectorMath.normalize(&vectors[index]) }
        }
        return vectors
    }
}
