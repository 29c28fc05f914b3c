import Foundation
import ONNXRuntime

/// One generation, run synchronously on its own thread: sampling by onnxruntime-genai, penalties and
/// log-probabilities on the logits of each step, incremental detokenisation that never splits a UTF-8 character,
/// stop strings matched across token boundaries, and a stop check before every token.
struct GenerationLoop {
    let engine: ChatEngine
    let prompt: [Int32]
    let parameters: GenerationParameters
    let stop: StopFlag

    func run(_ emit: (GenerationEvent) -> Void) throws {
        let model = engine.model
        let room = model.contextLength - prompt.count
        guard room > 0 else {
            throw GatewayError.invalidRequest(
                "The prompt has \(prompt.count) tokens; the model's context length is \(model.contextLength)",
                param: "messages", code: "context_length_exceeded")
        }
        let maxNew = min(parameters.maxTokens ?? room, room)
        var options = GenAISearchOptions(maxLength: prompt.count + maxNew, doSample: !parameters.isGreedy)
        if !parameters.isGreedy {
            options.temperature = parameters.temperature ?? 1
            // The model folder's genai_config.json may default to top_k 1 (greedy); OpenAI's default is the whole
            // distribution, which onnxruntime-genai spells top_k 0. Its top_p only applies with top_k above 1, so
            // nucleus sampling alone gets top_k = the vocabulary size.
            options.topP = parameters.topP ?? 1
            options.topK = parameters.topK ?? (parameters.topP == nil ? 0 : model.vocabularySize)
            options.randomSeed = parameters.seed.map { Int($0 & 0x7fff_ffff) }
        }
        let generator = try GenAIGenerator(model: model, options: options)
        try generator.append(tokens: prompt)
        let decoder = try engine.tokenizer.makeStream()
        var stops = StopSequenceMatcher(stops: parameters.stop)
        let eos = Set(model.eosTokenIDs)
        let usesLogits = parameters.logprobs || parameters.presencePenalty != 0 || parameters.frequencyPenalty != 0
        var counts: [Int32: Int] = [:]
        var generated = 0
        var finish = FinishReason.length
        var pendingLogprobs: [TokenLogprobs] = []
        var matchedStop = false
        while generated < maxNew {
            if stop.isSet { return }
            var stepLogits: (values: [Float], shape: [Int])?
            if usesLogits {
                var logits = try generator.logits()
                let vocabulary = logits.shape.last ?? logits.values.count
                let offset = logits.values.count - vocabulary
                if parameters.presencePenalty != 0 || parameters.frequencyPenalty != 0 {
                    LogitsMath.applyPenalties(&logits.values, offset: offset, counts: counts,
                                              presence: parameters.presencePenalty,
                                              frequency: parameters.frequencyPenalty)
                    try generator.setLogits(logits.values, shape: logits.shape)
                }
                stepLogits = logits
            }
            try generator.generateNextToken()
            guard let token = try generator.nextTokens().first else { break }
            if eos.contains(token) {
                finish = .stop
                break
            }
            generated += 1
            counts[token, default: 0] += 1
            if parameters.logprobs, let logits = stepLogits {
                pendingLogprobs.append(try logprobs(token: token, logits: logits))
            }
            let piece = try decoder.decode(token)
            let (text, matched) = stops.feed(piece)
            if !text.isEmpty || (matched && !pendingLogprobs.isEmpty) {
                emit(.text(text, logprobs: pendingLogprobs))
                pendingLogprobs = []
            }
            if matched {
                finish = .stop
                matchedStop = true
                break
            }
            if generator.isDone { break }
        }
        if stop.isSet { return }
        if !matchedStop {
            let rest = stops.flush()
            if !rest.isEmpty || !pendingLogprobs.isEmpty { emit(.text(rest, logprobs: pendingLogprobs)) }
        }
        emit(.finished(finish, usage: GenerationUsage(promptTokens: prompt.count, completionTokens: generated)))
    }

    private func logprobs(token: Int32, logits: (values: [Float], shape: [Int])) throws -> TokenLogprobs {
        let vocabulary = logits.shape.last ?? logits.values.count
        let offset = logits.values.count - vocabulary
        let result = LogitsMath.logprobs(logits.values, range: offset..<logits.values.count, token: token,
                                         top: parameters.topLogprobs)
        func entry(_ id: Int32, _ logprob: Double) throws -> TokenLogprob {
            let text = try engine.tokenizer.decode([id])
            return TokenLogprob(token: text, bytes: Array(text.utf8), logprob: logprob)
        }
        return TokenLogprobs(chosen: try entry(token, result.chosen),
                             top: try result.top.map { try entry($0.token, $0.logprob) })
    }
}
