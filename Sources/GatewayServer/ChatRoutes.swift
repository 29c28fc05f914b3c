import Foundation
import GatewayCore
import Hummingbird
import OpenAIAPI

/// `POST /v1/chat/completions` and `POST /v1/completions`: validate, render and count the prompt, check the
/// context, admit through the scheduler, then answer with one JSON body or an SSE stream.
struct ChatRoutes: Sendable {
    let state: GatewayState

    func chat(_ request: Request, context: GatewayRequestContext) async throws -> Response {
        let body = try await JSONResponse.decode(ChatCompletionRequest.self, from: request,
                                                 limit: state.configuration.maxBodyBytes)
        let generation = try await startGeneration(
            ChatGenerationRequest(model: body.model, keepAlive: body.keepAlive, messages: body.messages, tools: body.tools,
                                  parameters: body.generationParameters(), maxTokensParam: body.maxTokensParam,
                                  grammarParam: body.grammarParam, count: body.n),
            context: context)
        let tools = generation.tools
        let (lease, prompt, streams, metrics, start) = (generation.lease, generation.prompt, generation.streams,
                                                        generation.metrics, generation.start)
        let engine = generation.engine
        let modelID = generation.modelID
        let id = ChatCompletionResponse.makeID()
        let created = Int(Date().timeIntervalSince1970)
        let fingerprint = GenerationRunner.fingerprint(engine)
        let headers = generation.headers
        guard body.stream else {
            defer { lease.release() }
            let choices = try await GenerationRunner.gather(streams, metrics: metrics, start: start)
            GenerationRunner.record(choices, info: context.info, logBodies: state.configuration.logBodies)
            let response = ChatCompletionResponse(
                id: id, created: created, model: modelID,
                choices: choices.map { choice in
                    guard let tools, tools.parsesCalls else {
                        return .init(content: choice.text, logprobs: body.logprobs ? choice.logprobs : nil,
                                     finishReason: choice.finishReason)
                    }
                    let split = ToolCallStream.split(choice.text, reason: choice.finishReason, tools: tools)
                    let logprobs = split.calls.isEmpty
                        ? choice.logprobs : ToolCallStream.contentLogprobs(choice.logprobs, content: split.text)
                    return .init(content: split.text, logprobs: body.logprobs ? logprobs : nil,
                                 finishReason: split.finish, toolCalls: split.calls)
                },
                usage: GenerationUsage(promptTokens: prompt.count,
                                       completionTokens: choices.reduce(0) { $0 + $1.completionTokens },
                                       cachedTokens: choices.first?.cachedTokens ?? 0),
                systemFingerprint: fingerprint)
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: response.jsonBytes())))
        }
        let writer = ChatCompletionChunkWriter(id: id, created: created, model: modelID,
                                               systemFingerprint: fingerprint, includeUsage: body.includeUsage,
                                               logprobs: body.logprobs)
        let count = body.n
        let calls = tools.flatMap { $0.parsesCalls ? ToolCallStream(tools: $0, count: count) : nil }
        return SSEStream.response(headers: headers, streams: streams, includeUsage: body.includeUsage,
                                  settings: streamSettings(context: context, metrics: metrics, start: start,
                                                           lease: lease)) { chunks in
            for index in 0..<count { chunks.append(writer.roleChunk(index: index)) }
        } event: { index, event in
            calls?.chatChunks(for: event, index: index, writer: writer) ?? writer.chunk(for: event, index: index)
        } usage: { usage in
            writer.usageChunk(GenerationUsage(promptTokens: prompt.count, completionTokens: usage.completionTokens,
                                              cachedTokens: usage.cachedTokens))
        }
    }

    func completion(_ request: Request, context: GatewayRequestContext) async throws -> Response {
        let body = try await JSONResponse.decode(CompletionRequest.self, from: request,
                                                 limit: state.configuration.maxBodyBytes)
        context.info.update { $0.model = body.model }
        try GenerationRunner.checkCount(body.prompts.count, limit: state.configuration.maxInputsPerRequest,
                                        param: "prompt", what: "prompts")
        let lease = try await state.manager.chatEngine(id: body.model, keepAlive: body.keepAlive,
                                                       requestLogger: context.logger)
        let engine = lease.value
        let modelID = lease.entry.id
        let texts = body.prompts
        for (index, text) in texts.enumerated() {
            try GenerationRunner.checkSize(bytes: text.utf8.count, contextLength: engine.contextLength,
                                           param: texts.count == 1 ? "prompt" : "prompt[\(index)]")
        }
        if state.configuration.logBodies { context.info.update { $0.body = texts.joined(separator: "\n---\n") } }
        let prompts = try await ErrorMapping.naming(texts.count == 1 ? "prompt" : "prompt[]") {
            try await BlockingWork.run { try texts.map { try engine.promptTokens(text: $0) } }
        }
        var parameters = body.generationParameters()
        let defaults = lease.entry.settings.defaults
        parameters.apply(defaults)
        let limit = state.configuration.maxTokensLimit
        // Without max_tokens the model's default, else the legacy 16, gives way to a lower server limit.
        let asked = body.maxTokensGiven ? body.maxTokens : (defaults.maxTokens ?? body.maxTokens)
        let maxTokens = body.maxTokensGiven || limit == 0 ? asked : min(asked, limit)
        var budgets: [Int?] = []
        for (index, prompt) in prompts.enumerated() {
            var asked = maxTokens
            // A model's default max_tokens is a cap, never a value the client is blamed for.
            if !body.maxTokensGiven, defaults.maxTokens != nil {
                asked = max(1, min(asked, engine.contextLength - prompt.count))
            }
            budgets.append(try GenerationRunner.budget(
                promptTokens: prompt.count, maxTokens: asked, contextLength: engine.contextLength,
                limit: state.configuration.maxTokensLimit,
                param: body.prompts.count == 1 ? "prompt" : "prompt[\(index)]"))
        }
        let promptTokens = prompts.reduce(0) { $0 + $1.count }
        context.info.update { $0.promptTokens = promptTokens }
        let metrics = GenerationMetrics(model: engine.id, provider: engine.provider.chosen.onnxRuntimeName)
        metrics.promptTokens.increment(by: Int64(promptTokens) * Int64(body.n))
        let start = ContinuousClock.now
        var streams: [AsyncThrowingStream<GenerationEvent, any Error>] = []
        for (index, prompt) in prompts.enumerated() {
            var own = parameters
            own.maxTokens = budgets[index]
            streams += try await GenerationRunner.start(engine: engine, prompt: prompt, parameters: own,
                                                        count: body.n)
        }
        let echoes = body.prompts.flatMap { Array(repeating: body.echo ? $0 : "", count: body.n) }
        let id = CompletionResponse.makeID()
        let created = Int(Date().timeIntervalSince1970)
        let fingerprint = GenerationRunner.fingerprint(engine)
        var headers: HTTPFields = [.contentType: "application/json"]
        headers[.init(HTTPFields.executionProviderName)!] = engine.provider.chosen.onnxRuntimeName
        let logprobs = body.logprobs != nil
        guard body.stream else {
            defer { lease.release() }
            let choices = try await GenerationRunner.gather(streams, metrics: metrics, start: start)
            GenerationRunner.record(choices, info: context.info, logBodies: state.configuration.logBodies)
            let response = CompletionResponse(
                id: id, created: created, model: modelID,
                choices: choices.enumerated().map { index, choice in
                    .init(text: echoes[index] + choice.text, logprobs: logprobs ? choice.logprobs : nil,
                          textOffset: echoes[index].unicodeScalars.count, finishReason: choice.finishReason)
                },
                usage: GenerationUsage(promptTokens: promptTokens,
                                       completionTokens: choices.reduce(0) { $0 + $1.completionTokens }),
                systemFingerprint: fingerprint)
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: response.jsonBytes())))
        }
        let writer = CompletionChunkWriter(id: id, created: created, model: modelID, systemFingerprint: fingerprint,
                                           includeUsage: body.includeUsage, logprobs: logprobs)
        let offsets = OffsetTracker(echoes: echoes)
        return SSEStream.response(headers: headers, streams: streams, includeUsage: body.includeUsage,
                                  settings: streamSettings(context: context, metrics: metrics, start: start,
                                                           lease: lease)) { chunks in
            for (index, echo) in echoes.enumerated() where !echo.isEmpty {
                chunks.append(writer.textChunk(index: index, text: echo))
            }
        } event: { index, event in
            let offset = offsets.advance(index: index, event: event)
            return writer.chunk(for: event, index: index, textOffset: offset)
        } usage: { usage in
            writer.usageChunk(GenerationUsage(promptTokens: promptTokens, completionTokens: usage.completionTokens,
                                              cachedTokens: usage.cachedTokens))
        }
    }
}

extension ChatRoutes {
    /// How a stream of this request is written: keep-alive interval, deadline, metrics and the log line's facts.
    func streamSettings(context: GatewayRequestContext, metrics: GenerationMetrics, start: ContinuousClock.Instant,
                        lease: ModelLease<ChatEngine>) -> SSEStream.Settings
    {
        let configuration = state.configuration
        return SSEStream.Settings(
            keepAlive: configuration.sseKeepAliveSeconds > 0 ? .milliseconds(Int64(configuration.sseKeepAliveSeconds * 1000)) : nil,
            deadline: configuration.requestTimeoutSeconds > 0
                ? start + .milliseconds(Int64(configuration.requestTimeoutSeconds * 1000)) : nil,
            metrics: metrics, start: start, info: context.info, logBodies: configuration.logBodies,
            logger: context.logger, bufferLimit: configuration.streamBufferEvents, onFinish: { lease.release() })
    }

    /// Messages as one text for the log (only with `log_bodies`).
    static func describe(_ messages: [PromptMessage]) -> String {
        messages.map { message in
            let calls = message.toolCalls.map { " [call \($0.name)(\($0.arguments))]" }.joined()
            return "\(message.role.rawValue)\(message.name.map { " (\($0))" } ?? ""): \(message.content)\(calls)"
        }.joined(separator: "\n")
    }

    /// The UTF-8 bytes of a conversation and its tools, for refusing what cannot fit before rendering it.
    static func size(_ messages: [PromptMessage], tools: ToolUse?) -> Int {
        let text = messages.reduce(0) { total, message in
            total + message.content.utf8.count + message.toolCalls.reduce(0) {
                $0 + $1.name.utf8.count + $1.arguments.utf8.count
            }
        }
        return text + (tools?.tools.reduce(0) {
            $0 + $1.name.utf8.count + ($1.description?.utf8.count ?? 0) + $1.parameters.utf8.count
        } ?? 0)
    }
}

/// Each legacy choice's running text offset (in Unicode scalars), for `text_offset` in streamed logprobs.
final class OffsetTracker: @unchecked Sendable {
    private let lock = NSLock()
    private var offsets: [Int]

    init(echoes: [String]) { offsets = echoes.map { $0.unicodeScalars.count } }

    /// The offset at which `event`'s text starts, advancing past it.
    func advance(index: Int, event: GenerationEvent) -> Int {
        lock.lock()
        defer { lock.unlock() }
        let start = offsets[index]
        if case .text(let text, _) = event { offsets[index] += text.unicodeScalars.count }
        return start
    }
}

extension HTTPFields {
    /// Which execution provider served the response.
    static let executionProviderName = "X-Execution-Provider"
}
