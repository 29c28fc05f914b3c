import Foundation
import Testing
@testable import GatewayCore

@Suite("Embedding model on real ONNX Runtime against the Python reference")
struct EmbeddingModelTests {
    @Test("mean pooling: every text within cosine 0.9999, alone and in padded, mixed-length batches")
    func meanPooling() throws {
        let model = try CoreTestEnvironment.model()
        let references = try EmbeddingReference.all()
        #expect(references.count >= 150)
        #expect(model.configuration.pooling == .mean)
        #expect(model.configuration.normalize)
        #expect(model.maxTokens == 256)
        #expect(model.dimensions == 384)
        let sequences = references.map { model.tokenizer.encode($0.text, maxLength: model.maxTokens) }
        #expect(sequences.map(\.count) == references.map(\.tokens), "token counts equal Hugging Face's")
        // Alone.
        for (reference, sequence) in zip(references.prefix(40), sequences) {
            let vector = try model.run([sequence])[0]
            #expect(cosine(vector, reference.meanVector) >= 0.9999, "\(reference.text.prefix(40))")
        }
        // In batches of 32 in corpus order: short and long texts padded together.
        for start in stride(from: 0, to: references.count, by: 32) {
            let end = min(start + 32, references.count)
            let vectors = try model.run(Array(sequences[start..<end]))
            for (offset, vector) in vectors.enumerated() {
                let reference = references[start + offset]
                let similarity = cosine(vector, reference.meanVector)
                #expect(similarity >= 0.9999, "text \(start + offset) '\(reference.text.prefix(40))': \(similarity)")
                let norm = vector.reduce(0) { $0 + Double($1) * Double($1) }.squareRoot()
                #expect(abs(norm - 1) < 1e-5)
            }
        }
    }

    @Test("CLS pooling (the same model with a CLS pooling config) within cosine 0.9999")
    func clsPooling() throws {
        let folder = try CoreTestEnvironment.modelFolder(pooling: ["pooling_mode_cls_token": true])
        defer { try? FileManager.default.removeItem(at: folder) }
        let model = try CoreTestEnvironment.model(directory: folder, id: "cls")
        #expect(model.configuration.pooling == .cls)
        let references = try EmbeddingReference.all()
        let sequences = references.map { model.tokenizer.encode($0.text, maxLength: model.maxTokens) }
        for start in stride(from: 0, to: references.count, by: 32) {
            let end = min(start + 32, references.count)
            let vectors = try model.run(Array(sequences[start..<end]))
            for (offset, vector) in vectors.enumerated() {
                #expect(cosine(vector, references[start + offset].clsVector) >= 0.9999, "text \(start + offset)")
            }
        }
    }

    @Test("the folder's config files choose pooling, normalisation and the token limit")
    func readsFolderConfiguration() throws {
        let cases: [([String: Bool], PoolingMode)] = [
            (["pooling_mode_mean_tokens": true], .mean),
            (["pooling_mode_cls_token": true, "pooling_mode_mean_tokens": false], .cls),
            (["pooling_mode_max_tokens": true], .max),
            (["pooling_mode_mean_sqrt_len_tokens": true], .meanSqrtLength),
            (["pooling_mode_lasttoken": true], .lastToken),
            ([:], .mean),
        ]
        for (flags, expected) in cases {
            let folder = try CoreTestEnvironment.modelFolder(pooling: flags, normalize: false, maxSequenceLength: 64)
            defer { try? FileManager.default.removeItem(at: folder) }
            let configuration = try EmbeddingModelConfiguration.read(directory: folder)
            #expect(configuration.pooling == expected, "\(flags)")
            #expect(!configuration.normalize)
            #expect(configuration.maxSequenceLength == 64)
        }
        let combined = try CoreTestEnvironment.modelFolder(
            pooling: ["pooling_mode_cls_token": true, "pooling_mode_mean_tokens": true])
        defer { try? FileManager.default.removeItem(at: combined) }
        #expect(throws: ServingError.self) { try EmbeddingModelConfiguration.read(directory: combined) }
        #expect(throws: ServingError.self) {
            try EmbeddingModelConfiguration.read(directory: URL(fileURLWithPath: "/nonexistent"))
        }
    }

    @Test("without sentence_bert_config.json the tokenizer's own limit applies")
    func tokenizerLimit() throws {
        let folder = try CoreTestEnvironment.modelFolder(pooling: [:], maxSequenceLength: nil)
        defer { try? FileManager.default.removeItem(at: folder) }
        let model = try CoreTestEnvironment.model(directory: folder, id: "nolimit")
        #expect(model.maxTokens == 512)
    }

    @Test("pooling arithmetic on a hand-made tensor")
    func poolingArithmetic() {
        // batch 1, sequence 3 (last is padding), width 2
        let hidden: [Float] = [1, 2, 3, 6, 100, 100]
        let mask: [[Int64]] = [[1, 1, 0]]
        func pool(_ mode: PoolingMode) -> [Float] {
            hidden.withUnsafeBufferPointer { mode.pool(hidden: $0, mask: mask, sequence: 3, width: 2)[0] }
        }
        #expect(pool(.mean) == [2, 4])
        #expect(pool(.cls) == [1, 2])
        #expect(pool(.max) == [3, 6])
        #expect(pool(.lastToken) == [3, 6])
        let sqrt2 = Float(2).squareRoot()
        #expect(pool(.meanSqrtLength) == [4 / sqrt2, 8 / sqrt2])
    }
}
