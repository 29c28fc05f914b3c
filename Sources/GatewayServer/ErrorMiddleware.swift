import Foundation
import GatewayCore
import Hummingbird
import Logging
import OpenAIAPI

/// Turns every error that reaches the edge into OpenAI's envelope (Anthropic's under `/v1/messages`) with the right
/// status: `APIError`s as they
/// are, Hummingbird's own (unknown route, wrong method, body too large) by status, anything else as a 500 whose
/// details go to the log, never to the client. Also rejects bodies over the limit before they are read, and tags
/// each response with its request id.
struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    let maxBodyBytes: Int
    let routes: RouteTable

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        var response: Response
        do {
            if let length = request.headers[.contentLength].flatMap(Int.init), length > maxBodyBytes {
                throw APIError(.payloadTooLarge,
                                   "Request body of \(length) bytes is over the limit of \(maxBodyBytes) bytes")
            }
            response = try await next(request, context)
        } catch {
            let gatewayError = translate(error, request: request, context: context)
            // Anthropic's clients read Anthropic's envelope.
            response = request.uri.path.hasPrefix("/v1/messages") ? ErrorMapping.anthropicResponse(gatewayError)
                : ErrorMapping.response(gatewayError)
            if gatewayError.kind == .methodNotAllowed {
                let allowed = routes.methods(for: request.uri.path).map(\.rawValue).joined(separator: ", ")
                response.headers[.allow] = allowed
            }
        }
        response.headers[.init("X-Request-Id")!] = context.id
        return response
    }

    private func translate(_ error: any Error, request: Request, context: Context) -> APIError {
        switch error {
        case let error as HTTPError:
            switch error.status {
            case .notFound where routes.methods(for: request.uri.path).isEmpty == false:
                return APIError(.methodNotAllowed,
                                    "Method \(request.method.rawValue) is not allowed for \(request.uri.path)")
            case .notFound:
                return APIError(.notFound, "Invalid URL (\(request.method.rawValue) \(request.uri.path))",
                                    code: "unknown_url")
            case .contentTooLarge:
                return APIError(.payloadTooLarge, "Request body is over the limit of \(maxBodyBytes) bytes")
            case .badRequest:
                return APIError(.invalidRequest, error.body ?? "Bad request")
            case .unsupportedMediaType:
                return APIError(.unsupportedMediaType, error.body ?? "Unsupported media type")
            default:
                context.logger.error("unexpected HTTP error: \(error)")
                return APIError(.internal, "The server had an error while processing your request")
            }
        default:
            return ErrorMapping.apiError(error, logger: context.logger)
        }
    }
}
