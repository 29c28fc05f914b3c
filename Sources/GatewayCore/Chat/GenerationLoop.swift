import Foundation
import ONNXRuntime

/// One request inside a wave: its prompt and parameters, where its events go, and the flag its consumer sets when
/// it goes away.
struct WaveRow: Sendable {
    let prompt: [Int32]
    let parameters: GenerationParameters
    let emit: @Sendable (GenerationEvent) -> Void
    let stop: StopFlag
}

/// One wave, run synchronously on its own thread: a single onnxruntime-genai generator decodes every row
/// together (prompts right-padded with the pad token, which onnxruntime-genai masks; greedy rows give exactly what
/// they give alone). Per row: penalties and log-probabilities on its logits, incremental detokenisation that never
/// splits a UTF-8 character, stop strings matched across token boundaries, and a stop check before every token.
/// The wave ends when every row has finished or gone away.
struct GenerationLoop {
    let backend: GenAIBackend
    let metrics: EngineMetrics
    let rows: [WaveRow]

    /// Per-row progress.
    private struct RowState {
        var decoder: GenAITokenizerStream
        var stops: StopSequenceMatcher
        var counts: [Int32: Int] = [:]
        var generated = 0
        var maxNew: Int
        var finished = false
        var pendingLogprobs: [TokenLogprobs] = []
    }

    func run() throws {
        let model = backend.model
        let width = rows.map(\.prompt.count).max() ?? 0
        let room = model.contextLength - width
        guard room > 0 else {
            throw ServingError(.contextLengthExceeded,
                               "The prompt has \(width) tokens; the model's context length is \(model.contextLength)")
        }
        var states = try rows.map { row in
            RowState(decoder: try backend.tokenizer.makeStream(), stops: StopSequenceMatcher(stops: row.parameters.stop),
                     maxNew: min(row.parameters.maxTokens ?? room, room))
        }
        let parameters = rows[0].parameters
        var options = GenAISearchOptions(maxLength: width + (states.map(\.maxNew).max() ?? 1),
                                         doSample: !parameters.isGreedy, batchSize: rows.count)
        if !parameters.isGreedy {
            options.temperature = parameters.temperature ?? 1
            // The model folder's genai_config.json may default to top_k 1 (greedy); OpenAI's default is the whole
            // distribution, which onnxruntime-genai spells top_k 0. Its top_p only applies with top_k above 1, so
            // nucleus sampling alone gets top_k = the vocabulary size.
            options.topP = parameters.topP ?? 1
            // A top_k at or above the vocabulary keeps every token (onnxruntime-genai refuses larger values).
            options.topK = min(parameters.topK ?? (parameters.topP == nil ? 0 : model.vocabularySize),
                               model.vocabularySize)
            options.randomSeed = parameters.seed.map { Int($0 & 0x7fff_ffff) }
        }
        let generator = try GenAIGenerator(model: model, options: options)
        let pad = model.padTokenID ?? model.eosTokenIDs.first ?? 0
        if rows.count == 1 {
            try generator.append(tokens: rows[0].prompt)
        } else {
            try generator.append(sequences: rows.map { $0.prompt + Array(repeating: pad, count: width - $0.prompt.count) })
        }
        let eos = Set(model.eosTokenIDs)
        let usesLogits = rows.contains {
            $0.parameters.logprobs || $0.parameters.presencePenalty != 0 || $0.parameters.frequencyPenalty != 0
        }
        let penalised = rows.contains { $0.parameters.presencePenalty != 0 || $0.parameters.frequencyPenalty != 0 }
        while true {
            for index in rows.indices where !states[index].finished {
                switch rows[index].stop.reason {
                case nil: break
                case .consumerGone: states[index].finished = true
                case .shutdown: finish(row: rows[index], state: &states[index], reason: .length)
                }
            }
            let live = states.reduce(0) { $0 + ($1.finished ? 0 : 1) }
            guard live > 0 else { return }
            metrics.recordStep(rows: live)
            var stepLogits: (values: [Float], shape: [Int])?
            if usesLogits {
                var logits = try generator.logits()
                let vocabulary = logits.shape.last ?? logits.values.count / rows.count
                if penalised {
                    for (index, row) in rows.enumerated() where !states[index].finished {
                        LogitsMath.applyPenalties(&logits.values, offset: index * vocabulary,
                                                  counts: states[index].counts,
                                                  presence: row.parameters.presencePenalty,
                                                  frequency: row.parameters.frequencyPenalty)
                    }
                    try generator.setLogits(logits.values, shape: logits.shape)
                }
                stepLogits = logits
            }
            try generator.generateNextToken()
            let tokens = try generator.nextTokens()
            for (index, row) in rows.enumerated() where !states[index].finished && index < tokens.count {
                step(row: row, state: &states[index], token: tokens[index], eos: eos, logits: stepLogits, index: index)
            }
            if generator.isDone { break }
        }
        for (index, row) in rows.enumerated() where !states[index].finished && row.stop.reason != .consumerGone {
            finish(row: row, state: &states[index], reason: .length)
        }
    }

    private func step(row: WaveRow, state: inout RowState, token: Int32, eos: Set<Int32>,
                      logits: (values: [Float], shape: [Int])?, index: Int) {
        if eos.contains(token) {
            finish(row: row, state: &state, reason: .stop)
            return
        }
        state.generated += 1
        state.counts[token, default: 0] += 1
        if row.parameters.logprobs, let logits {
            state.pendingLogprobs.append(logprobs(token: token, logits: logits, index: index, top: row.parameters.topLogprobs))
        }
        let piece = (try? state.decoder.decode(token)) ?? ""
        let (text, matched) = state.stops.feed(piece)
        if !text.isEmpty || (matched && !state.pendingLogprobs.isEmpty) {
            row.emit(.text(text, logprobs: state.pendingLogprobs))
            state.pendingLogprobs = []
        }
        if matched {
            state.finished = true
            row.emit(.finished(.stop, usage: usage(row, state)))
        } else if state.generated >= state.maxNew {
            finish(row: row, state: &state, reason: .length)
        }
    }

    /// Ends a row that did not match a stop string: text held back for a possible stop is emitted after all.
    private func finish(row: WaveRow, state: inout RowState, reason: FinishReason) {
        let rest = state.stops.flush()
        if !rest.isEmpty || !state.pendingLogprobs.isEmpty {
            row.emit(.text(rest, logprobs: state.pendingLogprobs))
            state.pendingLogprobs = []
        }
        state.finished = true
        row.emit(.finished(reason, usage: usage(row, state)))
    }

    private func usage(_ row: WaveRow, _ state: RowState) -> GenerationUsage {
        GenerationUsage(promptTokens: row.prompt.count, completionTokens: state.generated,
                        stopSequence: state.stops.matched)
    }

    private func logprobs(token: Int32, logits: (values: [Float], shape: [Int]), index: Int, top: Int)
        -> TokenLogprobs
    {
        let vocabulary = logits.shape.last ?? logits.values.count / rows.count
        let offset = index * vocabulary
        return TokenLogprobs.from(logits.values, range: offset..<(offset + vocabulary), token: token, top: top) {
            (try? backend.tokenizer.decode([$0])) ?? ""
        }
    }
}
