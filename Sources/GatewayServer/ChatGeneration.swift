import Foundation
import GatewayCore
import Hummingbird
import OpenAIAPI

/// What a chat-style request asks the engine for, whatever its wire format (chat completions, the Responses API,
/// Anthropic's Messages API).
struct ChatGenerationRequest: Sendable {
    var model: String
    var keepAlive: KeepAlive?
    var messages: [PromptMessage]
    var tools: ToolUse?
    /// The sampling and output settings; `maxTokens` as the client sent it (nil: the model's default, else the rest
    /// of the context).
    var parameters: GenerationParameters
    /// Names in errors.
    var maxTokensParam = "max_tokens"
    var messagesParam = "messages"
    var grammarParam = "response_format"
    var stopParam = "stop"
    /// How many generations (`n`).
    var count = 1
}

/// A started chat generation: the model's lease (released when the response ends), the counted prompt and one
/// stream per choice.
struct ChatGeneration: Sendable {
    let lease: ModelLease<ChatEngine>
    let prompt: [Int32]
    let streams: [AsyncThrowingStream<GenerationEvent, any Error>]
    let metrics: GenerationMetrics
    let start: ContinuousClock.Instant
    /// The request's tools in the format this model writes calls in (what the output is parsed with).
    let tools: ToolUse?

    var engine: ChatEngine { lease.value }
    var modelID: String { lease.entry.id }

    /// `Content-Type: application/json` and the execution provider that serves the model.
    var headers: HTTPFields {
        var headers: HTTPFields = [.contentType: "application/json"]
        headers[.init(HTTPFields.executionProviderName)!] = engine.provider.chosen.onnxRuntimeName
        return headers
    }
}

extension ChatRoutes {
    /// Leases the model, renders and counts the prompt (tools folded in), checks it against the context, sets the
    /// token budget and starts the generations; every refusal names the client's field.
    func startGeneration(_ request: ChatGenerationRequest, context: GatewayRequestContext) async throws
        -> ChatGeneration
    {
        context.info.update { $0.model = request.model }
        try GenerationRunner.checkCount(request.messages.count, limit: state.configuration.maxInputsPerRequest,
                                        param: request.messagesParam, what: "messages")
        let lease = try await state.manager.chatEngine(id: request.model, keepAlive: request.keepAlive,
                                                       requestLogger: context.logger)
        let engine = lease.value
        let messages = request.messages
        let tools = engine.adapting(request.tools)
        try GenerationRunner.checkSize(bytes: Self.size(messages, tools: tools), contextLength: engine.contextLength,
                                       param: request.messagesParam)
        if state.configuration.logBodies { context.info.update { $0.body = Self.describe(messages) } }
        let prompt = try await ErrorMapping.naming(request.messagesParam) {
            try await BlockingWork.run { try engine.promptTokens(messages: messages, tools: tools) }
        }
        var parameters = request.parameters
        // A stop string inside the call markup of this model's format would end every call before it began.
        if let stop = tools?.stopInsideMarkup(parameters.stop), let format = tools?.format {
            throw APIError.invalidRequest(
                "Invalid '\(request.stopParam)': \(stop.debugDescription) occurs in the model's function-call markup "
                    + "(\(format.open.debugDescription) … \(format.close.debugDescription)), so no call could complete; "
                    + "remove it or set 'tool_choice' to 'none'.",
                param: request.stopParam, code: "invalid_value")
        }
        // A grammar that came from the tools follows the model's call format.
        if let sent = request.tools, let tools, sent.format != tools.format || sent.parallel != tools.parallel,
           parameters.grammar == sent.grammar() {
            parameters.grammar = tools.grammar()
        }
        let asked = parameters.maxTokens
        let defaults = lease.entry.settings.defaults
        parameters.apply(defaults)
        let budget = try GenerationRunner.budget(
            promptTokens: prompt.count, maxTokens: asked, contextLength: engine.contextLength,
            limit: state.configuration.maxTokensLimit, param: request.messagesParam,
            maxTokensParam: request.maxTokensParam)
        // A model's default max_tokens is a cap, never a value the client is blamed for.
        if asked == nil, let preset = defaults.maxTokens {
            parameters.maxTokens = min(preset, budget ?? (engine.contextLength - prompt.count))
        } else {
            parameters.maxTokens = budget
        }
        context.info.update { $0.promptTokens = prompt.count }
        let metrics = GenerationMetrics(model: engine.id, provider: engine.provider.chosen.onnxRuntimeName)
        metrics.promptTokens.increment(by: Int64(prompt.count) * Int64(request.count))
        let start = ContinuousClock.now
        let streams: [AsyncThrowingStream<GenerationEvent, any Error>]
        do {
            streams = try await GenerationRunner.start(engine: engine, prompt: prompt, parameters: parameters,
                                                       count: request.count)
        } catch let error as ServingError where error.code == .invalidGrammar {
            throw APIError.invalidRequest(error.message, param: request.grammarParam, code: "invalid_value")
        }
        return ChatGeneration(lease: lease, prompt: prompt, streams: streams, metrics: metrics, start: start,
                              tools: tools)
    }
}
