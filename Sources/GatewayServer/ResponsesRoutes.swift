import Foundation
import GatewayCore
import Hummingbird
import OpenAIAPI

/// OpenAI's Responses API: `POST /v1/responses` (translated at the edge into the chat generation every chat-style
/// route starts, answered as one Response object or its event stream), `GET /v1/responses/{id}` and
/// `DELETE /v1/responses/{id}` over the server's response store. `store` (default true) keeps the response and its
/// conversation; `previous_response_id` continues a kept one.
struct ResponsesRoutes: Sendable {
    let state: GatewayState

    func create(_ request: Request, context: GatewayRequestContext) async throws -> Response {
        let body = try await JSONResponse.decode(ResponsesRequest.self, from: request,
                                                 limit: state.configuration.maxBodyBytes)
        let store = body.store || body.previousResponseID != nil
            ? try state.responseStore.require(param: body.store ? "store" : "previous_response_id") : nil
        var history: [PromptMessage] = []
        if let previous = body.previousResponseID, let store {
            history = try await conversation(of: previous, in: store)
        }
        let conversation = history + body.input
        var messages = conversation
        if let instructions = body.instructions {
            messages.insert(PromptMessage(role: .system, content: instructions), at: 0)
        }
        let chat = ChatRoutes(state: state)
        let generation: ChatGeneration
        do {
            generation = try await chat.startGeneration(
                ChatGenerationRequest(model: body.model, keepAlive: body.keepAlive, messages: messages,
                                      tools: body.tools, parameters: body.generationParameters(),
                                      maxTokensParam: "max_output_tokens", messagesParam: "input",
                                      grammarParam: body.grammarParam),
                context: context)
        } catch let error as ServingError where error.code == .chatTemplateFailed {
            var mapped = ErrorMapping.apiError(error)
            mapped.param = "input"
            throw mapped
        }
        let lease = generation.lease
        let defaults = lease.entry.settings.defaults
        let template = ResponseObject(
            id: ResponseObject.makeID(), createdAt: Int(Date().timeIntervalSince1970), model: generation.modelID,
            settings: body.settings(temperature: body.temperature ?? defaults.temperature ?? 1,
                                    topP: body.topP ?? defaults.topP ?? 1))
        let keep: @Sendable (ResponseObject) async throws -> Void = { response in
            guard body.store, let store else { return }
            try await Self.save(response, conversation: conversation, in: store)
        }
        guard let stream = generation.streams.first else {
            lease.release()
            throw APIError(.internal, "The server had an error while processing your request")
        }
        guard body.stream else {
            defer { lease.release() }
            let choices = try await GenerationRunner.gather([stream], metrics: generation.metrics,
                                                            start: generation.start)
            GenerationRunner.record(choices, info: context.info, logBodies: state.configuration.logBodies)
            let choice = choices.first ?? GatheredChoice()
            var text = choice.text
            var calls: [ToolCall] = []
            if let tools = generation.tools, tools.parsesCalls {
                let split = ToolCallStream.split(choice.text, reason: choice.finishReason, tools: tools)
                text = split.text
                calls = split.calls
            }
            let truncated = choice.finishReason == .length
            var response = template
            response.finish(output: ResponseOutputItem.items(text: text, calls: calls, incomplete: truncated),
                            usage: GenerationUsage(promptTokens: generation.prompt.count,
                                                   completionTokens: choice.completionTokens,
                                                   cachedTokens: choice.cachedTokens),
                            truncated: truncated, at: Int(Date().timeIntervalSince1970))
            try await keep(response)
            return Response(status: .ok, headers: generation.headers,
                            body: .init(byteBuffer: ByteBuffer(bytes: response.jsonBytes())))
        }
        let calls = generation.tools.flatMap { $0.parsesCalls ? ToolCallStream(tools: $0, count: 1) : nil }
        return ResponsesStream.response(
            headers: generation.headers, stream: stream, writer: ResponseStreamWriter(response: template),
            calls: calls, promptTokens: generation.prompt.count,
            settings: chat.streamSettings(context: context, metrics: generation.metrics, start: generation.start,
                                          lease: lease),
            store: keep)
    }

    func get(id: String) async throws -> Response {
        let store = try state.responseStore.require()
        guard ResponseID.isWellFormed(id),
              let stored = try await BlockingWork.run({ try store.get(id: id, now: Self.now()) })
        else { throw Self.notFound(id) }
        return Response(status: .ok, headers: [.contentType: "application/json"],
                        body: .init(byteBuffer: ByteBuffer(data: stored.response)))
    }

    func delete(id: String) async throws -> Response {
        let store = try state.responseStore.require()
        let now = Self.now()
        // An expired response is gone already as far as a client can tell.
        guard ResponseID.isWellFormed(id),
              try await BlockingWork.run({ try store.get(id: id, now: now) != nil && store.delete(id: id) })
        else { throw Self.notFound(id) }
        return Response(status: .ok, headers: [.contentType: "application/json"],
                        body: .init(byteBuffer: ByteBuffer(bytes: ResponseObject.deletedBytes(id: id))))
    }

    /// The conversation kept with response `id`; OpenAI's 404 naming `previous_response_id` when there is none.
    private func conversation(of id: String, in store: ResponseStore) async throws -> [PromptMessage] {
        let stored = try await BlockingWork.run { try store.get(id: id, now: Self.now()) }
        guard let stored else {
            throw APIError(.notFound, "Previous response with id '\(id)' not found.", param: "previous_response_id",
                           code: "previous_response_not_found")
        }
        return try ResponseConversation.decode(stored.conversation)
    }

    /// Keeps `response` with its whole conversation: the input it continued, then its output as an assistant turn.
    private static func save(_ response: ResponseObject, conversation: [PromptMessage], in store: ResponseStore)
        async throws
    {
        let stored = StoredResponse(
            id: response.id, model: response.model, createdAt: response.createdAt,
            previousResponseID: response.settings.previousResponseID, response: Data(response.jsonBytes()),
            conversation: ResponseConversation.encode(conversation + [ResponseOutputItem.message(of: response.output)]))
        try await BlockingWork.run { try store.save(stored) }
    }

    private static func notFound(_ id: String) -> APIError {
        APIError(.notFound, "Response with id '\(id.prefix(128))' not found.", code: "response_not_found")
    }

    private static func now() -> Int { Int(Date().timeIntervalSince1970) }
}
