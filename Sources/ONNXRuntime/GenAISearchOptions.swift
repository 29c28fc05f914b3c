/// How a `GenAIGenerator` chooses tokens and when it stops: onnxruntime-genai's search options.
///
/// A nil option keeps the model folder's own `search` value from `genai_config.json`. Facts of onnxruntime-genai
/// 0.18 on the CPU that callers must plan for (the tests pin them):
/// - folders often set `top_k` to 1 (SmolLM2's does), which makes sampling greedy unless `topK` is given;
/// - `topP` only takes effect with `topK` above 1: with `topK` 0 the whole vocabulary is sampled and `topP` is
///   ignored, so pass e.g. `topK: model.vocabularySize` for pure nucleus sampling.
public struct GenAISearchOptions: Sendable, Equatable {
    /// The total length in tokens, prompt included; at most the model's `contextLength`.
    public var maxLength: Int
    /// Sample from the distribution (true) or take the most likely token (false).
    public var doSample: Bool
    /// Divides the logits before sampling; must be above 0.
    public var temperature: Double?
    /// Nucleus sampling: keep the smallest set of tokens whose probabilities add up to this, in (0, 1]; needs
    /// `topK` above 1 (see above).
    public var topP: Double?
    /// Keep the k most likely tokens (0 turns the filter off, and `topP` with it).
    public var topK: Int?
    /// Seeds the sampler (0...2,147,483,647); two generators with the same seed, prompt and options give the same
    /// tokens. Nil: a random seed.
    public var randomSeed: Int?
    /// Rows generated together; each row needs its own prompt (`GenAIGenerator.append(sequences:)`).
    public var batchSize: Int = 1

    public init(maxLength: Int, doSample: Bool = false, temperature: Double? = nil, topP: Double? = nil,
                topK: Int? = nil, randomSeed: Int? = nil, batchSize: Int = 1) {
        self.maxLength = maxLength
        self.doSample = doSample
        self.temperature = temperature
        self.topP = topP
        self.topK = topK
        self.randomSeed = randomSeed
        self.batchSize = batchSize
    }

    /// Refuses values the library would take silently but mishandle, with `OrtError(.invalidArgument)`.
    func validate(contextLength: Int) throws {
        func refuse(_ message: String) -> OrtError { OrtError(.invalidArgument, message) }
        guard maxLength >= 1 else { throw refuse("maxLength must be at least 1, not \(maxLength)") }
        guard maxLength <= contextLength else {
            throw refuse("maxLength \(maxLength) exceeds the model's context length of \(contextLength) tokens")
        }
        guard batchSize >= 1 else { throw refuse("batchSize must be at least 1, not \(batchSize)") }
        if let temperature, !(temperature > 0 && temperature.isFinite) {
            throw refuse("temperature must be a finite number above 0, not \(temperature)")
        }
        if let topP, !(topP > 0 && topP <= 1) { throw refuse("topP must be in (0, 1], not \(topP)") }
        if let topK, topK < 0 { throw refuse("topK must be 0 or more, not \(topK)") }
        if let randomSeed, !(0...Int(Int32.max)).contains(randomSeed) {
            throw refuse("randomSeed must be in 0...\(Int32.max), not \(randomSeed)")
        }
    }

    /// The options as onnxruntime-genai's named search numbers and booleans, in the order they are set.
    var searchNumbers: [(name: String, value: Double)] {
        var numbers: [(String, Double)] = [("max_length", Double(maxLength)), ("batch_size", Double(batchSize))]
        if let temperature { numbers.append(("temperature", temperature)) }
        if let topP { numbers.append(("top_p", topP)) }
        if let topK { numbers.append(("top_k", Double(topK))) }
        if let randomSeed { numbers.append(("random_seed", Double(randomSeed))) }
        return numbers
    }
}
