import Foundation
import GatewayCore
import OpenAIAPI

/// Runs the `n` generations of one request and gathers them, for the non-streaming responses.
struct GatheredChoice {
    var text = ""
    var logprobs: [TokenLogprobs] = []
    var finishReason: FinishReason = .stop
    var completionTokens = 0
    /// Prompt tokens reused from the prefix cache.
    var cachedTokens = 0
    /// The stop string that ended it, when one did.
    var stopSequence: String?
}

enum GenerationRunner {
    /// Starts `count` generations of `prompt` (seed + i for choice i when a seed is given); all slots are taken
    /// before any token is generated, so a 429 comes before the response starts.
    static func start(engine: ChatEngine, prompt: [Int32], parameters: GenerationParameters, count: Int)
        async throws -> [AsyncThrowingStream<GenerationEvent, any Error>]
    {
        if let token = parameters.logitBias.keys.sorted().first(where: { Int($0) >= engine.vocabularySize }) {
            throw APIError.invalidRequest(
                "Invalid key in 'logit_bias': token \(token) is outside the vocabulary of '\(engine.id)' "
                    + "(\(engine.vocabularySize) tokens).", param: "logit_bias", code: "invalid_value")
        }
        var streams: [AsyncThrowingStream<GenerationEvent, any Error>] = []
        for index in 0..<count {
            var choiceParameters = parameters
            if let seed = parameters.seed { choiceParameters.seed = seed &+ UInt64(index) }
            streams.append(try await engine.start(prompt: prompt, parameters: choiceParameters))
        }
        return streams
    }

    /// Reads every stream to its end, concurrently, timing each one's tokens.
    static func gather(_ streams: [AsyncThrowingStream<GenerationEvent, any Error>], metrics: GenerationMetrics,
                       start: ContinuousClock.Instant) async throws -> [GatheredChoice] {
        try await withThrowingTaskGroup(of: (Int, GatheredChoice).self) { group in
            for (index, stream) in streams.enumerated() {
                group.addTask {
                    var choice = GatheredChoice()
                    var timer = TokenTimer(metrics: metrics, start: start)
                    for try await event in stream {
                        switch event {
                        case .text(let text, let logprobs):
                            timer.text()
                            choice.text += text
                            choice.logprobs += logprobs
                        case .finished(let reason, let usage):
                            choice.finishReason = reason
                            choice.completionTokens = usage.completionTokens
                            choice.cachedTokens = usage.cachedTokens
                            choice.stopSequence = usage.stopSequence
                            metrics.generatedTokens.increment(by: Int64(usage.completionTokens))
                        }
                    }
                    return (index, choice)
                }
            }
            var choices = [GatheredChoice](repeating: GatheredChoice(), count: streams.count)
            for try await (index, choice) in group { choices[index] = choice }
            return choices
        }
    }

    /// Puts the generated tokens (and, with `log_bodies`, the text) in the request's log line.
    static func record(_ choices: [GatheredChoice], info: RequestInfo, logBodies: Bool) {
        info.update { values in
            values.completionTokens = choices.reduce(0) { $0 + $1.completionTokens }
            if logBodies { values.output = choices.map(\.text).joined(separator: "\n---\n") }
        }
    }

    /// What a merged stream carries: an event of choice `index`, or a tick of its clock.
    enum MergedItem: Sendable {
        case event(Int, GenerationEvent)
        case tick
    }

    /// Merges the events of several streams into one, tagged with their choice index, with a `.tick` every
    /// `tickEvery` (none when nil) so its reader can keep an idle connection alive and watch a deadline. The merged
    /// stream holds at most `limit` items for a consumer that does not read; past that every generation is stopped.
    static func merge(_ streams: [AsyncThrowingStream<GenerationEvent, any Error>], limit: Int,
                      tickEvery interval: Duration? = nil) -> AsyncThrowingStream<MergedItem, any Error> {
        let (merged, continuation) = AsyncThrowingStream<MergedItem, any Error>.makeStream(
            bufferingPolicy: .bufferingOldest(max(1, limit)))
        let overflow = LockedValue(false)
        let task = Task {
            do {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for (index, stream) in streams.enumerated() {
                        group.addTask {
                            for try await event in stream {
                                if case .dropped = continuation.yield(.event(index, event)) {
                                    // Cancel this reader: its next `next()` terminates the generation's stream,
                                    // which stops the generation before its next token.
                                    overflow.withLock { $0 = true }
                                    withUnsafeCurrentTask { $0?.cancel() }
                                }
                            }
                        }
                    }
                    while try await group.next() != nil {}
                }
            } catch {
                if !overflow.withLock({ $0 }) {
                    continuation.finish(throwing: error)
                    return
                }
            }
            if overflow.withLock({ $0 }) {
                continuation.finish(throwing: ServingError(
                    .consumerTooSlow, "The client read too slowly: \(limit) events were waiting; generation stopped"))
            } else {
                continuation.finish()
            }
        }
        let ticker = Task {
            guard let interval else { return }
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                if case .terminated = continuation.yield(.tick) { return }
            }
        }
        continuation.onTermination = { _ in
            task.cancel()
            ticker.cancel()
        }
        return merged
    }

    /// Refuses a request with more items (messages, prompts) than the server takes.
    static func checkCount(_ count: Int, limit: Int, param: String, what: String) throws {
        guard count <= limit else {
            throw APIError.invalidRequest("'\(param)' has \(count) \(what); at most \(limit) are allowed",
                                          param: param, code: "too_many_items")
        }
    }

    /// The most UTF-8 bytes one token can stand for, for refusing a prompt that cannot fit before tokenizing it.
    static let maxBytesPerToken = 256

    /// Refuses a prompt whose size alone shows it cannot fit the context (no tokenizer runs on it).
    static func checkSize(bytes: Int, contextLength: Int, param: String) throws {
        let limit = contextLength.multipliedReportingOverflow(by: maxBytesPerToken)
        guard limit.overflow || bytes <= limit.partialValue else {
            throw APIError.invalidRequest(
                "The prompt is \(bytes) bytes long, more than this model's context of \(contextLength) tokens can hold",
                param: param, code: "context_length_exceeded")
        }
    }

    /// The token budget of a generation: refuses `max_tokens` above the server's `max_tokens_limit` or beyond the
    /// room the prompt leaves in the context (no arithmetic can overflow on client numbers); without `max_tokens`
    /// the budget is the limit (nil: the rest of the context).
    static func budget(promptTokens: Int, maxTokens: Int?, contextLength: Int, limit: Int, param: String,
                       maxTokensParam: String = "max_tokens") throws -> Int? {
        if let maxTokens, limit > 0, maxTokens > limit {
            throw APIError.invalidRequest(
                "\(maxTokensParam) is \(maxTokens); this server allows at most \(limit)", param: maxTokensParam,
                code: "invalid_value")
        }
        let room = contextLength - promptTokens
        guard room >= 1, maxTokens.map({ $0 <= room }) ?? true else {
            let detail = maxTokens.map { " plus \($0) requested tokens" } ?? ""
            throw APIError.invalidRequest(
                "This model's maximum context length is \(contextLength) tokens; the prompt has \(promptTokens) "
                    + "tokens\(detail). Shorten the prompt or reduce \(maxTokensParam).",
                param: maxTokens == nil ? param : maxTokensParam, code: "context_length_exceeded")
        }
        if let maxTokens { return maxTokens }
        return limit > 0 ? min(limit, room) : nil
    }

    static func fingerprint(_ engine: ChatEngine) -> String {
        "fp_aigw_\(GatewayState.version)_\(engine.provider.chosen.rawValue)"
    }
}
