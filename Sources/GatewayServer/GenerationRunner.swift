import Foundation
import GatewayCore
import OpenAIAPI

/// Runs the `n` generations of one request and gathers them, for the non-streaming responses.
struct GatheredChoice {
    var text = ""
    var logprobs: [TokenLogprobs] = []
    var finishReason: FinishReason = .stop
    var completionTokens = 0
}

enum GenerationRunner {
    /// Starts `count` generations of `prompt` (seed + i for choice i when a seed is given); all slots are taken
    /// before any token is generated, so a 429 comes before the response starts.
    static func start(engine: ChatEngine, prompt: [Int32], parameters: GenerationParameters, count: Int)
        async throws -> [AsyncThrowingStream<GenerationEvent, any Error>]
    {
        var streams: [AsyncThrowingStream<GenerationEvent, any Error>] = []
        for index in 0..<count {
            var choiceParameters = parameters
            if let seed = parameters.seed { choiceParameters.seed = seed &+ UInt64(index) }
            streams.append(try await engine.start(prompt: prompt, parameters: choiceParameters))
        }
        return streams
    }

    /// Reads every stream to its end, concurrently.
    static func gather(_ streams: [AsyncThrowingStream<GenerationEvent, any Error>]) async throws -> [GatheredChoice] {
        try await withThrowingTaskGroup(of: (Int, GatheredChoice).self) { group in
            for (index, stream) in streams.enumerated() {
                group.addTask {
                    var choice = GatheredChoice()
                    for try await event in stream {
                        switch event {
                        case .text(let text, let logprobs):
                            choice.text += text
                            choice.logprobs += logprobs
                        case .finished(let reason, let usage):
                            choice.finishReason = reason
                            choice.completionTokens = usage.completionTokens
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

    /// Merges the events of several streams into one, tagged with their choice index.
    static func merge(_ streams: [AsyncThrowingStream<GenerationEvent, any Error>])
        -> AsyncThrowingStream<(Int, GenerationEvent), any Error>
    {
        let (merged, continuation) = AsyncThrowingStream<(Int, GenerationEvent), any Error>.makeStream()
        let task = Task {
            do {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for (index, stream) in streams.enumerated() {
                        group.addTask {
                            for try await event in stream { continuation.yield((index, event)) }
                        }
                    }
                    try await group.waitForAll()
                }
                continuation.finish()
            } catch {
                continuation.finish(throwing: error)
            }
        }
        continuation.onTermination = { _ in task.cancel() }
        return merged
    }

    /// Refuses a request whose prompt plus requested tokens exceed the context.
    static func checkContext(promptTokens: Int, maxTokens: Int?, contextLength: Int, param: String) throws {
        let requested = maxTokens ?? 1
        guard promptTokens + requested <= contextLength else {
            let detail = maxTokens.map { " plus \($0) requested tokens" } ?? ""
            throw GatewayError.invalidRequest(
                "This model's maximum context length is \(contextLength) tokens; the prompt has \(promptTokens) "
                    + "tokens\(detail). Shorten the prompt or reduce max_tokens.",
                param: maxTokens == nil ? param : "max_tokens", code: "context_length_exceeded")
        }
    }

    static func fingerprint(_ engine: ChatEngine) -> String {
        "fp_aigw_\(GatewayState.version)_\(engine.provider.chosen.rawValue)"
    }
}
