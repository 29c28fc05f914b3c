import GatewayCore
import HTTPTypes
import Hummingbird
import OpenAIAPI

/// Requires an API key on every `/v1/*` route and `/metrics` (and `/health` when configured) once keys are set:
/// `Authorization: Bearer KEY` (OpenAI's SDKs) or `x-api-key: KEY` (Anthropic's). Keys are compared in constant
/// time; a missing or wrong key is a 401 with the error envelope.
struct AuthMiddleware<Context: RequestContext>: RouterMiddleware {
    let keys: [[UInt8]]
    let protectHealth: Bool

    init(keys: [String], protectHealth: Bool) {
        self.keys = keys.map { Array($0.utf8) }
        self.protectHealth = protectHealth
    }

    func handle(_ request: Request, context: Context,
                next: (Request, Context) async throws -> Response) async throws -> Response {
        guard !keys.isEmpty, needsKey(request.uri.path), request.method != .options else {
            return try await next(request, context)
        }
        guard let presented = Self.presentedKey(request.headers) else {
            throw APIError(.authentication, "Missing API key: send it as 'Authorization: Bearer KEY' or 'x-api-key: KEY'",
                           code: "invalid_api_key")
        }
        guard Self.matches(Array(presented.utf8), keys) else {
            throw APIError(.authentication, "Incorrect API key provided", code: "invalid_api_key")
        }
        return try await next(request, context)
    }

    private func needsKey(_ path: String) -> Bool {
        path.hasPrefix("/v1/") || path == "/v1" || path == "/metrics" || (protectHealth && path == "/health")
    }

    /// The key from `Authorization: Bearer KEY`, else from `x-api-key`.
    static func presentedKey(_ headers: HTTPFields) -> String? {
        if let authorization = headers[.authorization] {
            let parts = authorization.split(separator: " ", maxSplits: 1)
            if parts.count == 2, parts[0].lowercased() == "bearer" {
                return parts[1].trimmingCharacters(in: .whitespaces)
            }
        }
        return headers[HTTPField.Name("x-api-key")!]
    }

    /// Whether `presented` equals one of `keys`, in time that depends only on the lengths, never on where the
    /// first differing byte is; every key is compared.
    static func matches(_ presented: [UInt8], _ keys: [[UInt8]]) -> Bool {
        var found: UInt8 = 0
        for key in keys {
            var difference: UInt8 = key.count == presented.count ? 0 : 1
            for index in 0..<key.count {
                let other = index < presented.count ? presented[index] : ~key[index]
                difference |= key[index] ^ other
            }
            found |= difference == 0 ? 1 : 0
        }
        return found == 1
    }
}
