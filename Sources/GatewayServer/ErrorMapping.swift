import GatewayCore
import Hummingbird
import Logging
import OpenAIAPI

/// The one place where errors become what a client sees: the core's `ServingError` codes and the edge's
/// `APIError` kinds map here to an HTTP status, OpenAI's `type`, `param` and `code`; anything else becomes a 500
/// whose details go to the log only.
enum ErrorMapping {
    /// The client-facing form of any error that reaches the edge.
    static func apiError(_ error: any Error, logger: Logger) -> APIError {
        switch error {
        case let error as APIError:
            return error
        case let error as ServingError:
            return apiError(error)
        case is CancellationError:
            return APIError(.unavailable, "The request was cancelled", code: "cancelled")
        default:
            logger.error("internal error: \(String(reflecting: error))")
            return APIError(.internal, "The server had an error while processing your request")
        }
    }

    /// The client-facing form of a core error.
    static func apiError(_ error: ServingError) -> APIError {
        let code = error.code.rawValue
        switch error.code {
        case .modelNotFound: return APIError(.notFound, error.message, param: "model", code: code)
        case .wrongModelKind: return APIError(.invalidRequest, error.message, param: "model", code: code)
        case .contextLengthExceeded, .invalidInput: return APIError(.invalidRequest, error.message, code: code)
        case .invalidGrammar:
            return APIError(.invalidRequest, error.message, param: "response_format", code: "invalid_value")
        case .chatTemplateFailed: return APIError(.invalidRequest, error.message, param: "messages", code: code)
        case .consumerTooSlow: return APIError(.invalidRequest, error.message, code: code)
        case .queueFull: return APIError(.rateLimited, error.message, code: "rate_limit_exceeded")
        case .runtimeUnavailable, .modelLoadFailed, .shuttingDown:
            var mapped = APIError(.unavailable, error.message, code: code)
            mapped.retryAfterSeconds = error.retryAfterSeconds
            return mapped
        case .timedOut: return APIError(.timeout, error.message, code: code)
        case .engineFailure:
            return APIError(.internal, "The server had an error while processing your request", code: code)
        case .storageFailed:
            return APIError(.internal, "The server could not read or write stored responses", code: code)
        case .modelInUse: return APIError(.conflict, error.message, param: "model", code: code)
        case .insufficientMemory:
            var mapped = APIError(.unavailable, error.message, code: code)
            mapped.retryAfterSeconds = error.retryAfterSeconds
            return mapped
        }
    }

    /// Runs `body`, giving an input error from the core the request field it came from.
    static func naming<T>(_ param: String, _ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as ServingError where error.code == .invalidInput {
            var mapped = apiError(error)
            mapped.param = param
            throw mapped
        }
    }

    /// The HTTP status of each kind.
    static func status(_ kind: APIError.Kind) -> HTTPResponse.Status {
        switch kind {
        case .invalidRequest: .badRequest
        case .authentication: .unauthorized
        case .notFound: .notFound
        case .conflict: .conflict
        case .methodNotAllowed: .methodNotAllowed
        case .payloadTooLarge: .contentTooLarge
        case .unsupportedMediaType: .unsupportedMediaType
        case .rateLimited: .tooManyRequests
        case .timeout: .requestTimeout
        case .unavailable: .serviceUnavailable
        case .badGateway: .badGateway
        case .insufficientStorage: HTTPResponse.Status(code: 507, reasonPhrase: "Insufficient Storage")
        case .internal: .internalServerError
        }
    }

    /// OpenAI's `type` of each kind.
    static func type(_ kind: APIError.Kind) -> String {
        switch kind {
        case .invalidRequest, .notFound, .conflict, .methodNotAllowed, .payloadTooLarge, .unsupportedMediaType:
            "invalid_request_error"
        case .authentication: "authentication_error"
        case .rateLimited: "rate_limit_error"
        case .timeout: "timeout_error"
        case .internal, .unavailable, .badGateway, .insufficientStorage: "server_error"
        }
    }

    /// The longest message sent; longer ones (quoting a huge model name or key) are cut.
    static let maxMessageLength = 1024

    static func envelope(_ error: APIError) -> ErrorEnvelope {
        var error = error
        if error.message.count > maxMessageLength {
            error.message = String(error.message.prefix(maxMessageLength)) + "…"
        }
        if let param = error.param, param.count > 256 { error.param = String(param.prefix(256)) + "…" }
        return ErrorEnvelope(error, type: type(error.kind))
    }

    /// The error response: status, envelope, and `Retry-After` where a retry can succeed.
    static func response(_ error: APIError) -> Response {
        var headers: HTTPFields = [.contentType: "application/json"]
        if error.kind == .rateLimited || error.kind == .unavailable, error.retryAfterSeconds != 0 {
            headers[.retryAfter] = String(max(1, error.retryAfterSeconds ?? 1))
        }
        return Response(status: status(error.kind), headers: headers,
                        body: .init(byteBuffer: ByteBuffer(bytes: envelope(error).jsonBytes())))
    }

    /// The error response in Anthropic's envelope (`{"type":"error","error":{"type","message"}}`), for
    /// `/v1/messages`; the status and headers are those of `response(_:)`.
    static func anthropicResponse(_ error: APIError) -> Response {
        var response = response(error)
        let message = envelope(error).error.message
        response.body = .init(byteBuffer: ByteBuffer(bytes: AnthropicMessageWriter.errorBody(
            type: AnthropicMessageWriter.errorType(error.kind), message: message)))
        return response
    }

    /// An `error` event in Anthropic's shape, for a stream that already began.
    static func anthropicEvent(_ error: any Error, logger: Logger) -> [UInt8] {
        let mapped = apiError(error, logger: logger)
        return AnthropicMessageWriter.errorEvent(type: AnthropicMessageWriter.errorType(mapped.kind),
                                                 message: envelope(mapped).error.message)
    }

    /// An error event for a stream that already began.
    static func sseFrame(_ error: any Error, logger: Logger) -> [UInt8] {
        SSEFrame.error(envelope(apiError(error, logger: logger)))
    }
}
