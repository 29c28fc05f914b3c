import Foundation
import GatewayCore
import Hummingbird
import OpenAIAPI

/// `POST /tokenize` and `POST /detokenize` (llama.cpp's and vLLM's shapes): a chat model's own tokenizer, exactly
/// as the chat pipeline uses it. The model loads if it is not loaded.
struct TokenizeRoutes: Sendable {
    let state: GatewayState

    func tokenize(_ request: Request, context: GatewayRequestContext) async throws -> Response {
        let body = try await JSONResponse.decode(TokenizeRequest.self, from: request,
                                                 limit: state.configuration.maxBodyBytes)
        let lease = try await chatEngine(body.model, context: context)
        defer { lease.release() }
        let engine = lease.value
        let tokens: [Int32]
        switch body.input {
        case .text(let text):
            try GenerationRunner.checkSize(bytes: text.utf8.count, contextLength: engine.contextLength,
                                           param: "content")
            tokens = try await BlockingWork.run { try engine.promptTokens(text: text) }
        case .messages(let messages):
            try GenerationRunner.checkCount(messages.count, limit: state.configuration.maxInputsPerRequest,
                                            param: "messages", what: "messages")
            try GenerationRunner.checkSize(bytes: ChatRoutes.size(messages, tools: nil),
                                           contextLength: engine.contextLength, param: "messages")
            tokens = try await ErrorMapping.naming("messages") {
                try await BlockingWork.run { try engine.promptTokens(messages: messages) }
            }
        }
        return JSONResponse.make(Tokenized(tokens: tokens, count: tokens.count, maxModelLength: engine.contextLength,
                                           model: lease.entry.id))
    }

    func detokenize(_ request: Request, context: GatewayRequestContext) async throws -> Response {
        let body = try await JSONResponse.decode(DetokenizeRequest.self, from: request,
                                                 limit: state.configuration.maxBodyBytes)
        let lease = try await chatEngine(body.model, context: context)
        defer { lease.release() }
        let engine = lease.value
        if let index = body.tokens.firstIndex(where: { Int($0) >= engine.vocabularySize }) {
            throw APIError.invalidRequest(
                "Invalid 'tokens[\(index)]': \(body.tokens[index]) is outside the vocabulary of '\(lease.entry.id)' "
                    + "(\(engine.vocabularySize) tokens).", param: "tokens[\(index)]", code: "invalid_value")
        }
        let tokens = body.tokens
        let text = try await BlockingWork.run { try engine.tokenizer.decode(tokens) }
        return JSONResponse.make(Detokenized(content: text, prompt: text, model: lease.entry.id))
    }

    /// A lease on the chat model asked for (loading it if needed), recorded in the request's log line.
    private func chatEngine(_ name: String?, context: GatewayRequestContext) async throws -> ModelLease<ChatEngine> {
        let lease = try await state.manager.chatEngine(id: try model(name), requestLogger: context.logger)
        context.info.update { $0.model = lease.entry.id }
        return lease
    }

    /// The model asked for, or the only chat model when none is named.
    private func model(_ name: String?) throws -> String {
        if let name { return name }
        let chats = state.manager.refreshCatalog().entries.filter { $0.kind == .chat && $0.problem == nil }
        guard chats.count == 1, let only = chats.first else {
            throw APIError.invalidRequest(
                "Missing required parameter: 'model' (\(chats.count) chat models are served).", param: "model",
                code: "missing_required_parameter")
        }
        return only.id
    }
}

/// `/tokenize`'s answer: llama.cpp's `tokens`, with vLLM's `count` and `max_model_len`.
private struct Tokenized: Encodable {
    let tokens: [Int32]
    let count: Int
    let maxModelLength: Int
    let model: String

    enum CodingKeys: String, CodingKey {
        case tokens, count, model
        case maxModelLength = "max_model_len"
    }
}

/// `/detokenize`'s answer: llama.cpp's `content` and vLLM's `prompt` (the same text).
private struct Detokenized: Encodable {
    let content: String
    let prompt: String
    let model: String
}
