import Foundation
import Hummingbird
import Logging

/// One log line per request, when it is over (a stream's when its last event is written): request id, method,
/// route, model, status, prompt and completion tokens, duration. Prompts and outputs appear only with
/// `log_bodies: true`.
struct RequestLogMiddleware: RouterMiddleware {
    typealias Context = GatewayRequestContext
    let logBodies: Bool

    func handle(_ request: Request, context: Context,
                next: (Request, Context) async throws -> Response) async throws -> Response {
        let started = ContinuousClock.now
        var response = try await next(request, context)
        let status = response.status.code
        let route = context.endpointPath ?? request.uri.path
        let method = request.method.rawValue
        let logger = context.logger
        let info = context.info
        let logBodies = self.logBodies
        let write: @Sendable () -> Void = {
            Self.log(logger: logger, method: method, route: route, status: status, started: started,
                     info: info.snapshot, logBodies: logBodies)
        }
        if response.headers[.contentType] == "text/event-stream" {
            let body = response.body
            response.body = ResponseBody { writer in
                defer { write() }
                try await body.write(writer)
            }
        } else {
            write()
        }
        return response
    }

    static func log(logger: Logger, method: String, route: String, status: Int, started: ContinuousClock.Instant,
                    info: RequestInfo.Values, logBodies: Bool) {
        let elapsed = ContinuousClock.now - started
        let milliseconds = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
        var metadata: Logger.Metadata = [
            "method": .string(method), "route": .string(route), "status": .stringConvertible(status),
            "duration_ms": .string(String(format: "%.1f", milliseconds)),
        ]
        if let model = info.model { metadata["model"] = .string(model) }
        if let tokens = info.promptTokens { metadata["prompt_tokens"] = .stringConvertible(tokens) }
        if let tokens = info.completionTokens { metadata["completion_tokens"] = .stringConvertible(tokens) }
        if logBodies {
            if let body = info.body { metadata["body"] = .string(body) }
            if let output = info.output { metadata["output"] = .string(output) }
        }
        logger.info("request", metadata: metadata)
    }
}
