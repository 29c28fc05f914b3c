import GatewayCore
import Hummingbird
import OpenAIAPI

/// `POST /v1/embeddings`: validates, tokenises, checks lengths, hands the texts to the model's batcher and writes
/// OpenAI's response with exact `usage`.
struct EmbeddingRoutes: Sendable {
    let state: GatewayState

    func create(_ request: Request, context: GatewayRequestContext) async throws -> Response {
        let body = try await JSONResponse.decode(EmbeddingRequest.self, from: request,
                                                 limit: state.configuration.maxBodyBytes)
        context.info.update { $0.model = body.model }
        try GenerationRunner.checkCount(body.input.count, limit: state.configuration.maxInputsPerRequest,
                                        param: "input", what: "items")
        let lease = try await state.manager.embeddingService(id: body.model, keepAlive: body.keepAlive,
                                                             requestLogger: context.logger)
        defer { lease.release() }
        let service = lease.value
        let model = service.model
        if let dimensions = body.dimensions, dimensions > model.dimensions {
            throw APIError.invalidRequest(
                "'dimensions' is \(dimensions), but the model '\(body.model)' has \(model.dimensions) dimensions",
                param: "dimensions")
        }
        let truncate = body.truncate ?? state.configuration.embeddingTruncate
        let input = body.input
        let single = body.inputIsSingle
        let sequences = try await BlockingWork.run {
            try Self.tokenize(input, model: model, truncate: truncate, single: single)
        }
        let promptTokens = sequences.reduce(0) { $0 + $1.count }
        context.info.update { $0.promptTokens = promptTokens }
        var vectors = try await service.batcher.embed(sequences)
        if let dimensions = body.dimensions, dimensions < model.dimensions {
            for index in vectors.indices {
                vectors[index] = Array(vectors[index].prefix(dimensions))
                VectorMath.normalize(&vectors[index])
            }
        }
        let response = EmbeddingResponse(model: lease.entry.id, vectors: vectors,
                                         promptTokens: promptTokens,
                                         base64: body.encodingFormat == .base64)
        var headers: HTTPFields = [.contentType: "application/json"]
        headers[.init(HTTPFields.executionProviderName)!] = model.session.providerSelection.chosen.onnxRuntimeName
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: response.jsonBytes())))
    }

    /// Token ids with specials for each input; over-long inputs are cut or refused naming their index.
    private static func tokenize(_ input: EmbeddingRequest.Input, model: EmbeddingModel, truncate: Bool,
                                 single: Bool) throws -> [[Int32]] {
        func param(_ index: Int) -> String { single ? "input" : "input[\(index)]" }
        let limit = model.maxTokens
        switch input {
        case .texts(let texts):
            return try texts.enumerated().map { index, text in
                let ids = model.tokenizer.encode(text)
                guard ids.count > limit else { return ids }
                guard truncate else { throw tooLong(index: index, param: param(index), count: ids.count, limit: limit) }
                return model.tokenizer.encode(text, maxLength: limit)
            }
        case .tokens(let batches):
            let vocabulary = model.tokenizer.vocabularySize
            return try batches.enumerated().map { index, tokens in
                if let bad = tokens.first(where: { $0 < 0 || $0 >= vocabulary }) {
                    throw APIError.invalidRequest(
                        "input[\(index)] has token id \(bad), outside the model's vocabulary of \(vocabulary) tokens",
                        param: param(index))
                }
                guard tokens.count <= limit || truncate else {
                    throw tooLong(index: index, param: param(index), count: tokens.count, limit: limit)
                }
                return tokens.prefix(limit).map { Int32($0) }
            }
        }
    }

    private static func tooLong(index: Int, param: String, count: Int, limit: Int) -> APIError {
        APIError.invalidRequest(
            "input[\(index)] has \(count) tokens, over the model's maximum of \(limit); shorten it or send "
                + "\"truncate\": true", param: param, code: "context_length_exceeded")
    }
}

extension EmbeddingRequest.Input {
    /// How many inputs the request carries.
    var count: Int {
        switch self {
        case .texts(let texts): texts.count
        case .tokens(let batches): batches.count
        }
    }
}
