import Foundation
#if canImport(Glibc)
import Glibc
#endif
import ONNXRuntime

/// A chat model: renders prompts with the model's own template, counts tokens, and runs generations on the decode
/// engine (`DecodeEngine`, one thread stepping every request) or, for a folder only onnxruntime-genai can run, on
/// its generators in waves (`WaveBatcher`).
public final class ChatEngine: Sendable {
    public let id: String
    public let tokenizer: any ChatTokenizer
    /// onnxruntime-genai's model and wave batcher, when it serves this model instead of the decode engine.
    let genAI: GenAIBackend?
    /// The execution provider generations run on, and why preferred ones were skipped.
    public let provider: ProviderSelection
    public let vocabularySize: Int

    /// Events a stream may hold for a consumer that does not read them; beyond it the generation is stopped.
    let maxBufferedEvents: Int
    let metrics: EngineMetrics

    /// A chat model on the decode engine.
    /// - Parameters:
    ///   - maxBufferedEvents: events a stream holds for a slow consumer before its generation is stopped.
    ///   - contextCap: a context length below the model's own (a model's `context_length` setting).
    ///   - grammars: llguidance for this model (requests with a grammar); nil when unavailable.
    ///   - ownTemplate: the model's own template, rendered here for conversations with tools (see
    ///     `ModelChatTemplate`); nil to fold tools into plain messages for onnxruntime-extensions' renderer.
    public init(id: String, decoder: DecodeEngine, tokenizer: any ChatTokenizer, provider: ProviderSelection,
                maxBufferedEvents: Int = 4096, contextCap: Int? = nil, grammars: GrammarSource? = nil,
                ownTemplate: ModelChatTemplate? = nil) {
        self.id = id
        self.ownTemplate = ownTemplate
        self.grammars = grammars
        let own = decoder.model.config.contextLength
        let served = min(own, max(1, contextCap ?? own))
        contextLength = min(served, decoder.rowLength)
        self.decoder = decoder
        engineNote = nil
        genAI = nil
        self.tokenizer = tokenizer
        self.provider = provider
        vocabularySize = decoder.model.config.vocabularySize
        self.maxBufferedEvents = max(1, maxBufferedEvents)
        metrics = decoder.metrics
    }

    /// A chat model on onnxruntime-genai's generators, for a folder the decode engine cannot run (`engineNote`
    /// says why).
    /// - Parameter planner: how requests are grouped into waves and how many may wait.
    public init(id: String, model: GenAIModel, tokenizer: GenAITokenizer, provider: ProviderSelection,
                planner: WavePlanner, maxBufferedEvents: Int = 4096, contextCap: Int? = nil, engineNote: String?) {
        self.id = id
        ownTemplate = nil
        contextLength = min(model.contextLength, max(1, contextCap ?? model.contextLength))
        decoder = nil
        grammars = nil
        self.engineNote = engineNote
        self.tokenizer = tokenizer
        self.provider = provider
        vocabularySize = model.vocabularySize
        self.maxBufferedEvents = max(1, maxBufferedEvents)
        let metrics = EngineMetrics(model: id, provider: provider.chosen.onnxRuntimeName)
        self.metrics = metrics
        let backend = Unowned()
        let batcher = WaveBatcher(name: id, planner: planner, metrics: metrics) { rows in
            guard let genAI = backend.value else { return }
            try GenerationLoop(backend: genAI, metrics: metrics, rows: rows).run()
        }
        let genAI = GenAIBackend(model: model, tokenizer: tokenizer, batcher: batcher)
        backend.value = genAI
        self.genAI = genAI
    }

    /// The model's own chat template when the gateway renders it for conversations with tools; nil when tools are
    /// folded into plain messages (`ToolUse.render`) for onnxruntime-extensions' renderer.
    public let ownTemplate: ModelChatTemplate?

    /// `tools` in the format this model writes calls in: its own template's when it renders tools (one call per
    /// turn where that format allows no more), else as they are.
    public func adapting(_ tools: ToolUse?) -> ToolUse? {
        guard var tools, let ownTemplate else { return tools }
        tools.format = ownTemplate.format
        if !ownTemplate.format.allowsParallel { tools.parallel = false }
        return tools
    }

    /// The decode engine serving this model; nil when onnxruntime-genai's generator does (see `engineNote`).
    public let decoder: DecodeEngine?
    /// Grammars (structured output) for this model: llguidance over its vocabulary.
    let grammars: GrammarSource?
    /// Why onnxruntime-genai serves this model instead of the decode engine.
    public let engineNote: String?

    /// Which engine generates: `ai-gateway` (the decode engine) or `onnxruntime-genai`.
    public var engineName: String { decoder == nil ? "onnxruntime-genai" : "ai-gateway" }

    /// The context one request may use: the model's own, or less when its settings cap it, and with the decode
    /// engine at most a KV cache row (the prompt and what it generates, the last token of which is never cached).
    public let contextLength: Int

    /// The prompt tokens for chat `messages` (role, text, participant name), rendered by the model's chat template
    /// with the assistant turn opened. A `name` is passed to the template as the message's `name`, as Hugging Face
    /// passes it: templates that use it render it, others leave it out.
    ///
    /// When the model's own template reads tools (`ownTemplate`), a conversation with tools, calls or results is
    /// rendered by it as transformers would. Otherwise tool calls and results, and the tools of `tools`, are first
    /// folded into plain messages in the model's call format (`ToolUse.render`), so any template renders them.
    public func promptTokens(messages: [PromptMessage], tools: ToolUse? = nil) throws -> [Int32] {
        if let ownTemplate, tools != nil || messages.contains(where: { !$0.toolCalls.isEmpty || $0.role == .tool }) {
            let rendered: String
            do {
                rendered = try ownTemplate.render(messages, tools: tools)
            } catch {
                throw ServingError(.chatTemplateFailed, "The model '\(id)' cannot render chat messages: \(error)")
            }
            return try checked(tokenizer.encode(rendered))
        }
        let plain = tools?.render(messages)
            ?? ToolUse.render(messages, format: ToolCallFormat.forModel(id), systemBlock: nil)
        let objects = plain.map { message -> [String: String] in
            var object = ["role": message.role.rawValue, "content": message.content]
            if let name = message.name { object["name"] = name }
            return object
        }
        let data = try JSONSerialization.data(withJSONObject: objects)
        let rendered: String
        do {
            rendered = try tokenizer.applyChatTemplate(messagesJSON: String(decoding: data, as: UTF8.self),
                                                       addGenerationPrompt: true)
        } catch let error as OrtError {
            throw ServingError(.chatTemplateFailed, "The model '\(id)' cannot render chat messages: \(error.message)")
        }
        return try checked(tokenizer.encode(rendered))
    }

    /// The prompt tokens of a plain text prompt (legacy completions).
    public func promptTokens(text: String) throws -> [Int32] {
        try checked(tokenizer.encode(text))
    }

    /// Refuses text the tokenizer could not map (it marks such characters with ids outside the vocabulary).
    private func checked(_ tokens: [Int32]) throws -> [Int32] {
        let vocabulary = vocabularySize
        guard !tokens.contains(where: { $0 < 0 || Int($0) >= vocabulary }) else {
            throw ServingError(.invalidInput,
                               "The text contains characters the model '\(id)' cannot encode (no token for them)")
        }
        return tokens
    }

    /// Starts one generation after `prompt`: it joins the next wave of compatible requests (see `WavePlanner`);
    /// throws 429 at once when the queue is full. The stream yields text pieces, then one `.finished`. Ending the
    /// consumer (or cancelling its task) stops the generation before its next token.
    public func start(prompt: [Int32], parameters: GenerationParameters) async throws
        -> AsyncThrowingStream<GenerationEvent, any Error>
    {
        let vocabulary = vocabularySize
        if let token = parameters.logitBias.keys.sorted().first(where: { Int($0) >= vocabulary }) {
            throw ServingError(.invalidInput, "Invalid key in 'logit_bias': token \(token) is outside the vocabulary "
                                   + "of '\(id)' (\(vocabulary) tokens)")
        }
        var constraint: GuidanceConstraint?
        if let grammar = parameters.grammar {
            guard decoder != nil, let grammars else {
                throw ServingError(.invalidInput, "Constrained output needs the decode engine and llguidance, which "
                                       + "'\(id)' does not have: \(engineNote ?? "llguidance is not set up")")
            }
            constraint = try await grammars.constraint(for: grammar)
        }
        if decoder == nil, !parameters.logitBias.isEmpty || parameters.minP != nil {
            throw ServingError(.invalidInput, "'logit_bias' and 'min_p' need the decode engine, and "
                                   + "onnxruntime-genai serves '\(id)': \(engineNote ?? "")")
        }
        let (stream, continuation) = AsyncThrowingStream<GenerationEvent, any Error>.makeStream(
            bufferingPolicy: .bufferingOldest(maxBufferedEvents))
        let stop = StopFlag()
        let limit = maxBufferedEvents
        if let decoder {
            let id = try decoder.submit(prompt: prompt, parameters: parameters, constraint: constraint, emit: { event in
                if case .dropped = continuation.yield(event) {
                    stop.set()
                    continuation.finish(throwing: ServingError(
                        .consumerTooSlow,
                        "The client read too slowly: \(limit) events were waiting; generation stopped"))
                }
            }, stop: stop) { error in
                if let error { continuation.finish(throwing: error) } else { continuation.finish() }
            }
            continuation.onTermination = { _ in
                stop.set()
                decoder.cancel(id)
            }
            return stream
        }
        let row = WaveRow(prompt: prompt, parameters: parameters, emit: { event in
            if case .dropped = continuation.yield(event) {
                // The consumer has not read `limit` events: stop rather than buffer without bound.
                stop.set()
                continuation.finish(throwing: ServingError(
                    .consumerTooSlow, "The client read too slowly: \(limit) events were waiting; generation stopped"))
            }
        }, stop: stop)
        guard let batcher = genAI?.batcher else { throw ServingError(.engineFailure, "The model has no engine") }
        let id = try batcher.submit(WaveBatcher.Job(row: row) { error in
            if let error { continuation.finish(throwing: error) } else { continuation.finish() }
        })
        continuation.onTermination = { _ in
            stop.set()
            batcher.cancel(id)
        }
        return stream
    }

    /// Requests being generated now.
    public var activeCount: Int { (genAI?.batcher.activeCount ?? 0) + (decoder?.activeCount ?? 0) }

    /// Requests waiting for a wave.
    public var queuedCount: Int { (genAI?.batcher.queuedCount ?? 0) + (decoder?.queuedCount ?? 0) }

    /// Ends every generation now: waiting requests fail as shutting down, running ones end as `length` before
    /// their next token. Used when a shutdown's grace period is over.
    public func stopAll() {
        genAI?.batcher.stopAll()
        decoder?.stopAll()
    }

    /// Stops the engine's threads and waits for them: call once no request uses the engine.
    public func shutdown() {
        genAI?.batcher.shutdown()
        decoder?.shutdown()
    }
}

/// onnxruntime-genai's side of a chat model: its model, tokenizer and wave batcher.
final class GenAIBackend: Sendable {
    let model: GenAIModel
    let tokenizer: GenAITokenizer
    let batcher: WaveBatcher

    init(model: GenAIModel, tokenizer: GenAITokenizer, batcher: WaveBatcher) {
        self.model = model
        self.tokenizer = tokenizer
        self.batcher = batcher
    }
}

/// A weak reference the wave closure holds to its backend (the backend owns the batcher).
final class Unowned: @unchecked Sendable {
    weak var value: GenAIBackend?
}

/// A one-way flag that stops a generation before its next token: set when its consumer goes away (the row ends
/// silently) or when the server stops generations at the end of a shutdown's grace (the row ends as `length`).
public final class StopFlag: Sendable {
    public enum Reason: Sendable { case consumerGone, shutdown }

    private let stoppedFor = LockedValue<Reason?>(nil)

    public init() {}

    /// Sets the flag; the first reason wins.
    public func set(_ reason: Reason = .consumerGone) {
        stoppedFor.withLock { if $0 == nil { $0 = reason } }
    }

    public var reason: Reason? { stoppedFor.withLock { $0 } }

    public var isSet: Bool { reason != nil }
}

/// Hands freed heap pages back to the system once no generation runs, so RSS falls back after a burst (glibc keeps
/// freed KV-cache pages in its arenas otherwise).
enum ReturnMemory {
    private typealias Trim = @convention(c) (Int) -> Int32
    /// glibc's `malloc_trim`, looked up at run time (Swift's Glibc module does not export it).
    private static let trim: Trim? = {
        #if canImport(Glibc)
        guard let process = dlopen(nil, RTLD_NOW), let symbol = dlsym(process, "malloc_trim") else { return nil }
        return unsafeBitCast(symbol, to: Trim.self)
        #else
        return nil
        #endif
    }()

    static func toSystem() {
        _ = trim?(0)
    }
}
