import Foundation
import GatewayCore
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import OpenAIAPI
import Testing
@testable import GatewayServer

/// Paths the gateway tests use: the repository root, the runtime libraries `scripts/setup` installs and the real
/// models folder.
enum TestEnvironment {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let ortLibrary = root.appendingPathComponent(".runtime/lib/libonnxruntime.so").path
    static let genAILibrary = root.appendingPathComponent(".runtime/lib/libonnxruntime-genai.so").path
    static let modelsDirectory = root.appendingPathComponent("models").path
    /// The embedding model `scripts/setup` installs in `models/`.
    static let defaultEmbeddingModel = "all-minilm-l6-v2"
    /// Where the applications the tests build keep their response store (not the repository's `data/`).
    static let dataDirectory = FileManager.default.temporaryDirectory
        .appendingPathComponent("aigw-tests-data-\(ProcessInfo.processInfo.processIdentifier)").path
    /// The built `ai-gateway` binary (`swift build --build-tests` builds it).
    static let binary = root.appendingPathComponent(".build/debug/ai-gateway").path

    /// The runtime loaded once from `.runtime/lib` and shared by every application built on the default libraries.
    static let runtime: InferenceRuntime = InferenceRuntime.load(configuration: makeConfiguration())

    /// A logger that keeps test output quiet (the gateway logs expected failures at error level).
    static let logger: Logger = {
        var logger = Logger(label: "gateway-tests")
        logger.logLevel = .critical
        return logger
    }()
}

/// A configuration on the real runtime libraries under `.runtime/lib` and the real models folder. Records an issue
/// (the test fails, it does not skip) when `scripts/setup` has not installed the libraries.
func makeConfiguration(
    modelsDirectory: String? = nil,
    ortLibrary: String? = nil,
    maxBodyBytes: Int? = nil,
    preload: Bool = false,
    sourceLocation: SourceLocation = #_sourceLocation
) -> GatewayConfiguration {
    for library in [TestEnvironment.ortLibrary, TestEnvironment.genAILibrary]
    where !FileManager.default.fileExists(atPath: library) {
        Issue.record("\(library) is missing: run scripts/setup first", sourceLocation: sourceLocation)
    }
    var configuration = GatewayConfiguration()
    configuration.host = "127.0.0.1"
    configuration.port = 0
    configuration.modelsDirectory = modelsDirectory ?? TestEnvironment.modelsDirectory
    configuration.dataDirectory = TestEnvironment.dataDirectory
    configuration.onnxRuntimeLibrary = ortLibrary ?? TestEnvironment.ortLibrary
    configuration.genAILibrary = ortLibrary == nil ? TestEnvironment.genAILibrary
        : URL(fileURLWithPath: ortLibrary!).deletingLastPathComponent()
            .appendingPathComponent("libonnxruntime-genai.so").path
    if let maxBodyBytes { configuration.maxBodyBytes = maxBodyBytes }
    configuration.preload = preload ? ["*"] : []
    return configuration
}

/// The application `ai-gateway serve` runs, for `configuration`; on the default libraries it reuses the runtime
/// loaded once, otherwise it loads the libraries the configuration names (recording failures, as the server does).
func makeApplication(_ configuration: GatewayConfiguration = makeConfiguration()) -> some ApplicationProtocol {
    let shared = configuration.onnxRuntimeLibrary == TestEnvironment.ortLibrary
        && configuration.genAILibrary == TestEnvironment.genAILibrary
    return buildApplication(configuration: configuration, runtime: shared ? TestEnvironment.runtime : nil,
                            logger: TestEnvironment.logger)
}

/// POSTs `json` (serialised with JSONSerialization) to `uri` as `application/json`, with any extra `headers`.
func postJSON(_ client: some TestClientProtocol, _ uri: String, _ json: Any,
              headers: HTTPFields = [:]) async throws -> TestResponse {
    let data = try JSONSerialization.data(withJSONObject: json)
    var all = headers
    all[.contentType] = "application/json"
    return try await client.execute(uri: uri, method: .post, headers: all, body: ByteBuffer(bytes: data))
}

/// Decodes OpenAI's error envelope from a response body.
func decodeError(_ buffer: ByteBuffer) throws -> ErrorEnvelope {
    try JSONDecoder().decode(ErrorEnvelope.self, from: Data(buffer: buffer))
}

/// The response body as a JSON object (fails when it is not one).
func jsonObject(_ buffer: ByteBuffer, sourceLocation: SourceLocation = #_sourceLocation) throws -> [String: Any] {
    let value = try JSONSerialization.jsonObject(with: Data(buffer: buffer), options: [.fragmentsAllowed])
    return try #require(value as? [String: Any], "body is not a JSON object: \(String(buffer: buffer))",
                        sourceLocation: sourceLocation)
}

/// Checks that `response` is OpenAI's error envelope with this status, type, param and code: the body has
/// exactly the key `error`, the inner object exactly `message`, `type`, `param`, `code` (`param` and `code`
/// present as null when unset), the message is non-empty and leaks no Swift internals, and the response carries
/// `X-Request-Id`. Returns the decoded envelope.
@discardableResult
func expectErrorEnvelope(
    _ response: TestResponse,
    status: HTTPResponse.Status,
    type: String,
    param: String? = nil,
    code: String? = nil,
    sourceLocation: SourceLocation = #_sourceLocation
) throws -> ErrorEnvelope {
    let body = String(buffer: response.body)
    #expect(response.status == status, "body: \(body)", sourceLocation: sourceLocation)
    #expect(response.headers[.contentType] == "application/json", sourceLocation: sourceLocation)
    #expect(response.headers[.requestID]?.isEmpty == false, sourceLocation: sourceLocation)
    let object = try jsonObject(response.body, sourceLocation: sourceLocation)
    #expect(Set(object.keys) == ["error"], "body: \(body)", sourceLocation: sourceLocation)
    let inner = try #require(object["error"] as? [String: Any], "body: \(body)", sourceLocation: sourceLocation)
    #expect(Set(inner.keys) == ["message", "type", "param", "code"], "body: \(body)", sourceLocation: sourceLocation)
    #expect(inner["type"] as? String == type, "body: \(body)", sourceLocation: sourceLocation)
    for (key, expected) in [("param", param), ("code", code)] {
        if let expected {
            #expect(inner[key] as? String == expected, "\(key) in \(body)", sourceLocation: sourceLocation)
        } else {
            #expect(inner[key] is NSNull, "\(key) should be null in \(body)", sourceLocation: sourceLocation)
        }
    }
    let envelope = try decodeError(response.body)
    #expect(!envelope.error.message.isEmpty, sourceLocation: sourceLocation)
    expectNoInternals(envelope.error.message, sourceLocation: sourceLocation)
    return envelope
}

/// Checks that a client-facing message names no Swift type or internal detail.
func expectNoInternals(_ message: String, sourceLocation: SourceLocation = #_sourceLocation) {
    for leak in ["DecodingError", "Swift.", "APIError", "HTTPError", "CodingKeys", "Optional(", "NIOCore",
                 "Hummingbird", "keyNotFound", "typeMismatch", "dataCorrupted"] {
        #expect(!message.contains(leak), "message leaks '\(leak)': \(message)", sourceLocation: sourceLocation)
    }
}

/// Runs `body` with a new empty temporary folder, removed afterwards.
func withTemporaryDirectory<T>(_ body: (URL) async throws -> T) async throws -> T {
    let url = FileManager.default.temporaryDirectory
        .appendingPathComponent("aigw-tests-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: url) }
    return try await body(url)
}

extension HTTPField.Name {
    /// The gateway's request id header.
    static let requestID = HTTPField.Name("X-Request-Id")!
}
