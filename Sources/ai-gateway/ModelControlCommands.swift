import ArgumentParser
import AsyncHTTPClient
import Foundation
import NIOCore

/// The options of commands that talk to a running server: its URL and an API key.
struct ServerOptions: ParsableArguments {
    @Option(name: .long, help: "The server's base URL (else $AIGW_URL, else http://127.0.0.1:8000).")
    var url: String?

    @Option(name: .customLong("key"), help: "API key to send (else $AIGW_API_KEY).")
    var key: String?

    var baseURL: String {
        let value = url ?? ProcessInfo.processInfo.environment["AIGW_URL"] ?? "http://127.0.0.1:8000"
        return value.hasSuffix("/") ? String(value.dropLast()) : value
    }

    /// POSTs `body` to `path` and returns the decoded JSON object; a non-2xx answer is a one-line failure with the
    /// server's error message.
    func post(_ path: String, body: [String: Any]) async throws -> [String: Any] {
        let client = HTTPClient.shared
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        if let key = key ?? ProcessInfo.processInfo.environment["AIGW_API_KEY"], !key.isEmpty {
            request.headers.add(name: "Authorization", value: "Bearer \(key)")
        }
        request.body = .bytes(ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: body)))
        let response: HTTPClientResponse
        do {
            response = try await client.execute(request, timeout: .seconds(600))
        } catch {
            throw CommandFailure("cannot reach the server at \(baseURL): \(error)")
        }
        let bytes = try await response.body.collect(upTo: 16 << 20)
        let object = (try? JSONSerialization.jsonObject(with: Data(buffer: bytes))) as? [String: Any] ?? [:]
        guard (200..<300).contains(Int(response.status.code)) else {
            let message = ((object["error"] as? [String: Any])?["message"] as? String) ?? "no error message"
            throw CommandFailure("\(response.status.code): \(message)")
        }
        return object
    }

    /// One line describing a model object from the server.
    static func describe(_ model: [String: Any]) -> String {
        var parts = ["\(model["id"] ?? "?")", "\(model["status"] ?? "?")"]
        if let provider = model["provider"] as? String { parts.append(provider) }
        if let resident = model["resident_bytes"] as? Int { parts.append("\(resident / 1_048_576) MiB resident") }
        if let keepAlive = model["keep_alive"] as? Double {
            parts.append(keepAlive < 0 ? "kept loaded" : "keep-alive \(Int(keepAlive)) s")
        }
        return parts.joined(separator: "\t")
    }
}

/// `ai-gateway load ID`: asks a running server to load a model now.
struct LoadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "load", abstract: "Load a model on a running server (POST /v1/models/{id}/load).")

    @Argument(help: "Model id or alias.")
    var id: String

    @Option(name: .customLong("keep-alive"), help: "How long it stays loaded when idle: 300, 10m, -1 = for ever.")
    var keepAlive: String?

    @OptionGroup var server: ServerOptions

    func run() async throws {
        var body: [String: Any] = [:]
        if let keepAlive { body["keep_alive"] = Double(keepAlive) ?? keepAlive as Any }
        let model = try await server.post("/v1/models/\(Self.escape(id))/load", body: body)
        print(ServerOptions.describe(model))
    }

    static func escape(_ id: String) -> String {
        id.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/")))
            ?? id
    }
}

/// `ai-gateway unload ID`: asks a running server to unload a model now.
struct UnloadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "unload", abstract: "Unload a model on a running server (POST /v1/models/{id}/unload).")

    @Argument(help: "Model id or alias.")
    var id: String

    @Flag(name: .long, help: "Unload even while requests use it (they are stopped).")
    var force = false

    @OptionGroup var server: ServerOptions

    func run() async throws {
        let model = try await server.post("/v1/models/\(LoadCommand.escape(id))/unload", body: ["force": force])
        print(ServerOptions.describe(model))
    }
}
