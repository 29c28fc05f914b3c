import Foundation
import Testing
@testable import ONNXRuntime

@Suite("GenAI sampling options on the real model")
struct GenAISamplingTests {
    static let seeds = 0..<20

    /// The prompt, its next-token probabilities (softmax of the logits) and the greedy token.
    private func setUp() throws -> (model: GenAIModel, prompt: [Int32], probabilities: [Double]) {
        let model = try GenAITestSupport.model()
        let prompt = try #require(try GenAITestSupport.reference().chats.first).promptIDs
        let generator = try GenAIGenerator(model: model, options: .init(maxLength: prompt.count + 1))
        try generator.append(tokens: prompt)
        let logits = try generator.logits().values.map(Double.init)
        let top = logits.max()!
        let exps = logits.map { exp($0 - top) }
        let sum = exps.reduce(0, +)
        return (model, prompt, exps.map { $0 / sum })
    }

    /// The first sampled token for each seed.
    private func firstTokens(_ model: GenAIModel, _ prompt: [Int32], _ options: GenAISearchOptions) throws -> [Int32] {
        try Self.seeds.map { seed in
            var options = options
            options.randomSeed = seed
            let generator = try GenAIGenerator(model: model, options: options)
            try generator.append(tokens: prompt)
            try generator.generateNextToken()
            return try generator.nextTokens()[0]
        }
    }

    private func ranked(_ probabilities: [Double]) -> [Int32] {
        probabilities.indices.sorted { probabilities[$0] > probabilities[$1] }.map { Int32($0) }
    }

    /// The smallest set of most likely tokens whose probabilities reach `p`.
    private func nucleus(_ probabilities: [Double], _ p: Double) -> Set<Int32> {
        var total = 0.0
        var kept: Set<Int32> = []
        for token in ranked(probabilities) where total < p {
            kept.insert(token)
            total += probabilities[Int(token)]
        }
        return kept
    }

    @Test("top-k keeps sampling within the k most likely tokens")
    func topK() throws {
        let (model, prompt, probabilities) = try setUp()
        let tokens = try firstTokens(model, prompt, .init(maxLength: prompt.count + 1, doSample: true, topK: 3))
        let top3 = Set(ranked(probabilities).prefix(3))
        #expect(Set(tokens).isSubset(of: top3))
        #expect(Set(tokens).count > 1)
    }

    @Test("top-p (with top-k above 1) keeps sampling within the nucleus")
    func topP() throws {
        let (model, prompt, probabilities) = try setUp()
        let options = GenAISearchOptions(maxLength: prompt.count + 1, doSample: true, topP: 0.5,
                                         topK: model.vocabularySize)
        let tokens = try firstTokens(model, prompt, options)
        let kept = nucleus(probabilities, 0.5)
        #expect(kept.count > 1 && kept.count < 10)
        #expect(Set(tokens).isSubset(of: kept))
        #expect(Set(tokens).count > 1)
    }

    @Test("a low temperature makes sampling greedy")
    func lowTemperature() throws {
        let (model, prompt, probabilities) = try setUp()
        let tokens = try firstTokens(model, prompt, .init(maxLength: prompt.count + 1, doSample: true,
                                                          temperature: 0.02, topK: 50))
        #expect(Set(tokens) == [ranked(probabilities)[0]])
    }

    @Test("onnxruntime-genai 0.18 fact: with topK 0 it ignores topP and samples the whole vocabulary")
    func topPNeedsTopK() throws {
        let (model, prompt, probabilities) = try setUp()
        let tokens = try firstTokens(model, prompt, .init(maxLength: prompt.count + 1, doSample: true, topP: 0.5,
                                                          topK: 0))
        #expect(!Set(tokens).isSubset(of: nucleus(probabilities, 0.5)))
    }

    @Test("onnxruntime-genai fact: sampling with the folder's own top_k (1 for SmolLM2) is greedy")
    func folderTopK() throws {
        let (model, prompt, probabilities) = try setUp()
        let tokens = try firstTokens(model, prompt, .init(maxLength: prompt.count + 1, doSample: true))
        #expect(Set(tokens) == [ranked(probabilities)[0]])
    }
}
