import Hummingbird

/// CORS for browser clients, off unless origins are configured: a request from an allowed origin gets
/// `Access-Control-Allow-Origin` (and the headers a client may read); a preflight (`OPTIONS` with
/// `Access-Control-Request-Method`) from one is answered 204 with the methods and headers allowed.
struct GatewayCORSMiddleware<Context: RequestContext>: RouterMiddleware {
    let origins: [String]
    static var allowedHeaders: String { "Authorization, Content-Type, X-Api-Key, OpenAI-Organization, OpenAI-Project" }

    func handle(_ request: Request, context: Context,
                next: (Request, Context) async throws -> Response) async throws -> Response {
        guard !origins.isEmpty, let origin = request.headers[.origin], allowed(origin) else {
            return try await next(request, context)
        }
        let allowOrigin = origins.contains("*") ? "*" : origin
        if request.method == .options, request.headers[.accessControlRequestMethod] != nil {
            var headers: HTTPFields = [:]
            headers[.accessControlAllowOrigin] = allowOrigin
            headers[.accessControlAllowMethods] = "GET, POST, DELETE, OPTIONS"
            headers[.accessControlAllowHeaders] = request.headers[.accessControlRequestHeaders] ?? Self.allowedHeaders
            headers[.accessControlMaxAge] = "600"
            headers[.vary] = "Origin"
            return Response(status: .noContent, headers: headers)
        }
        var response = try await next(request, context)
        response.headers[.accessControlAllowOrigin] = allowOrigin
        response.headers[.accessControlExposeHeaders] = "X-Request-Id, X-Execution-Provider, Retry-After"
        response.headers[.vary] = "Origin"
        return response
    }

    private func allowed(_ origin: String) -> Bool {
        origins.contains("*") || origins.contains(origin)
    }
}
