import Foundation
import GatewayCore
import Hummingbird
import HummingbirdTesting
import OpenAIAPI
import Testing
@testable import GatewayServer

@Suite("Errors at the edge: OpenAI's envelope, right status, no internals")
struct FoundationErrorTests {
    private static let json: HTTPFields = [.contentType: "application/json"]

    @Test("an unknown route is a 404 envelope with code unknown_url naming the method and path")
    func unknownRoute() async throws {
        let app = makeApplication()
        try await app.test(.router) { client in
            for (method, path) in [(HTTPRequest.Method.get, "/nope"), (.post, "/v1/chat/nothing"), (.get, "/v1"),
                                   (.get, "/v1/models/a/b"), (.delete, "/health/x")] {
                try await client.execute(uri: path, method: method) { response in
                    let envelope = try expectErrorEnvelope(response, status: .notFound, type: "invalid_request_error",
                                                           code: "unknown_url")
                    #expect(envelope.error.message.contains(method.rawValue), "\(envelope.error.message)")
                    #expect(envelope.error.message.contains(path), "\(envelope.error.message)")
                    #expect(response.headers[.allow] == nil)
                }
            }
        }
    }

    @Test("a known path with the wrong method is a 405 envelope with Allow", arguments: [
        (HTTPRequest.Method.post, "/health", "GET"), (.delete, "/health", "GET"), (.post, "/v1/models", "GET"),
        (.put, "/v1/models", "GET"), (.delete, "/v1/models/all-minilm-l6-v2", "GET"), (.get, "/v1/embeddings", "POST"),
        (.put, "/v1/embeddings", "POST"), (.delete, "/v1/embeddings", "POST"),
    ])
    func wrongMethod(method: HTTPRequest.Method, path: String, allow: String) async throws {
        let app = makeApplication()
        try await app.test(.router) { client in
            try await client.execute(uri: path, method: method) { response in
                let envelope = try expectErrorEnvelope(response, status: .methodNotAllowed,
                                                       type: "invalid_request_error")
                #expect(response.headers[.allow] == allow)
                #expect(envelope.error.message.contains(method.rawValue))
                #expect(envelope.error.message.contains(path))
            }
        }
    }

    @Test("bodies that are not a JSON object are a 400 envelope that names no Swift type", arguments: [
        #"{"model": "#, "not json at all", #"{"model":"all-minilm-l6-v2","input":"x""#, "\u{FF}\u{FE}",
    ])
    func malformedJSON(body: String) async throws {
        let app = makeApplication()
        try await app.test(.router) { client in
            try await client.execute(uri: "/v1/embeddings", method: .post, headers: Self.json,
                                     body: ByteBuffer(string: body)) { response in
                let envelope = try expectErrorEnvelope(response, status: .badRequest, type: "invalid_request_error")
                #expect(envelope.error.message.contains("JSON"), "\(envelope.error.message)")
            }
        }
    }

    @Test("a body that is JSON but not an object is a 400 envelope", arguments: [
        #"["all-minilm-l6-v2","hello"]"#, #"[]"#, #""hello""#, "42", "null", "true",
    ])
    func notAnObject(body: String) async throws {
        let app = makeApplication()
        try await app.test(.router) { client in
            try await client.execute(uri: "/v1/embeddings", method: .post, headers: Self.json,
                                     body: ByteBuffer(string: body)) { response in
                let envelope = try expectErrorEnvelope(response, status: .badRequest, type: "invalid_request_error",
                                                       code: "invalid_type")
                #expect(envelope.error.message.contains("object"), "\(envelope.error.message)")
            }
        }
    }

    @Test("an empty body is a 400 envelope")
    func emptyBody() async throws {
        let app = makeApplication()
        try await app.test(.router) { client in
            try await client.execute(uri: "/v1/embeddings", method: .post, headers: Self.json,
                                     body: ByteBuffer()) { response in
                let envelope = try expectErrorEnvelope(response, status: .badRequest, type: "invalid_request_error")
                #expect(envelope.error.message.contains("empty"), "\(envelope.error.message)")
            }
        }
    }

    @Test("decoding errors name the field, not the decoder", arguments: [
        (#"{"model":5,"input":"x"}"#, "model"), (#"{"input":"x"}"#, "model"),
        (#"{"model":"all-minilm-l6-v2","input":"x","nope":1}"#, "nope"),
        (#"{"model":"all-minilm-l6-v2","input":"x","dimensions":"many"}"#, "dimensions"),
    ])
    func fieldErrors(body: String, param: String) async throws {
        let app = makeApplication()
        try await app.test(.router) { client in
            try await client.execute(uri: "/v1/embeddings", method: .post, headers: Self.json,
                                     body: ByteBuffer(string: body)) { response in
                #expect(response.status == .badRequest)
                let envelope = try decodeError(response.body)
                #expect(envelope.error.param == param, "\(envelope.error)")
                #expect(envelope.error.message.contains(param), "\(envelope.error.message)")
                expectNoInternals(envelope.error.message)
            }
        }
    }

    @Test("a body over the limit with Content-Length is a 413 envelope; one under it is read")
    func bodyTooLargeRouter() async throws {
        let app = makeApplication(makeConfiguration(maxBodyBytes: 2048))
        try await app.test(.router) { client in
            let big = ByteBuffer(repeating: UInt8(ascii: " "), count: 4096)
            try await client.execute(uri: "/v1/embeddings", method: .post, headers: Self.json, body: big) { response in
                let envelope = try expectErrorEnvelope(response, status: .contentTooLarge,
                                                       type: "invalid_request_error")
                #expect(envelope.error.message.contains("2048"), "\(envelope.error.message)")
            }
            let small = ByteBuffer(repeating: UInt8(ascii: " "), count: 2000)
            try await client.execute(uri: "/v1/embeddings", method: .post, headers: Self.json, body: small) {
                response in
                try expectErrorEnvelope(response, status: .badRequest, type: "invalid_request_error")
            }
        }
    }

    @Test("over a real socket: Content-Length and chunked bodies over the limit are 413 envelopes")
    func bodyTooLargeLive() async throws {
        let app = makeApplication(makeConfiguration(maxBodyBytes: 2048))
        try await app.test(.live) { client in
            let big = ByteBuffer(repeating: UInt8(ascii: " "), count: 4096)
            try await client.execute(uri: "/v1/embeddings", method: .post, headers: Self.json, body: big) { response in
                try expectErrorEnvelope(response, status: .contentTooLarge, type: "invalid_request_error")
            }
            let port = try #require(client.port)
            let head = ["POST /v1/embeddings HTTP/1.1", "Host: 127.0.0.1:\(port)", "Content-Type: application/json",
                        "Transfer-Encoding: chunked", "Connection: close"]
            let chunkedBig = RawHTTP.chunked([UInt8](repeating: UInt8(ascii: " "), count: 4096))
            let response = try await RawHTTP.perform(port: port, head: head, body: chunkedBig)
            #expect(response.status == 413, "\(response.status) \(response.bodyText)")
            #expect(response.headers["x-request-id"]?.isEmpty == false)
            let envelope = try JSONDecoder().decode(ErrorEnvelope.self, from: response.body)
            #expect(envelope.error.type == "invalid_request_error")
            #expect(envelope.error.message.contains("2048"))

            // A chunked body under the limit is read through: the 400 says it is not JSON, not that it is large.
            let chunkedSmall = RawHTTP.chunked(Array("{not json".utf8), chunkSize: 3)
            let small = try await RawHTTP.perform(port: port, head: head, body: chunkedSmall)
            #expect(small.status == 400, "\(small.status) \(small.bodyText)")
            #expect(small.bodyText.contains("JSON"))
        }
    }

    @Test("every response carries a distinct X-Request-Id")
    func requestIDs() async throws {
        let app = makeApplication()
        try await app.test(.router) { client in
            var ids: [String] = []
            let requests: [(String, HTTPRequest.Method, ByteBuffer?)] = [
                ("/health", .get, nil), ("/v1/models", .get, nil), ("/v1/models/none", .get, nil),
                ("/nope", .get, nil), ("/health", .post, nil), ("/v1/embeddings", .post, ByteBuffer(string: "[")),
            ]
            for (path, method, body) in requests {
                let id = try await client.execute(uri: path, method: method, body: body) { response in
                    try #require(response.headers[.requestID], "\(method) \(path) has no X-Request-Id")
                }
                #expect(!id.isEmpty)
                ids.append(id)
            }
            #expect(Set(ids).count == ids.count, "\(ids)")
        }
    }
}

