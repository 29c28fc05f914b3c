import Foundation
import Hummingbird
import HummingbirdTesting
import OpenAIAPI
import Testing
@testable import GatewayServer

/// The events of a Responses API stream: (type, JSON object) per `event:`/`data:` pair.
private func responseEvents(_ body: ByteBuffer) throws -> [(String, [String: Any])] {
    try String(buffer: body).components(separatedBy: "\n\n").filter { !$0.isEmpty }.map { frame in
        let lines = frame.components(separatedBy: "\n")
        let type = lines.first.map { String($0.dropFirst("event: ".count)) } ?? ""
        let data = lines.dropFirst().first.map { String($0.dropFirst("data: ".count)) } ?? ""
        let object = try #require(try JSONSerialization.jsonObject(with: Data(data.utf8)) as? [String: Any])
        return (type, object)
    }
}

/// The text of a Response object's output messages.
private func outputText(_ response: [String: Any]) -> String {
    ((response["output"] as? [[String: Any]]) ?? []).flatMap { item in
        ((item["content"] as? [[String: Any]]) ?? []).compactMap { $0["text"] as? String }
    }.joined()
}

@Suite("POST /v1/responses, GET and DELETE /v1/responses/{id} on the real model", .serialized)
struct ResponsesRouteTests {
    @Test("a stored response is served by GET exactly, continued, deleted, then 404")
    func storeCycle() async throws {
        try await makeApplication().test(.router) { client in
            let created = try await postJSON(client, "/v1/responses", [
                "model": defaultChatModel, "input": "Say hello.", "max_output_tokens": 12, "temperature": 0,
            ])
            #expect(created.status == .ok)
            let object = try jsonObject(created.body)
            let id = try #require(object["id"] as? String)
            #expect(id.hasPrefix("resp_") && object["object"] as? String == "response")
            let fetched = try await client.execute(uri: "/v1/responses/\(id)", method: .get)
            #expect(fetched.status == .ok && String(buffer: fetched.body) == String(buffer: created.body))

            let next = try await postJSON(client, "/v1/responses", [
                "model": defaultChatModel, "input": "Again.", "max_output_tokens": 4, "previous_response_id": id,
            ])
            let nextObject = try jsonObject(next.body)
            #expect(nextObject["previous_response_id"] as? String == id)
            let usage = try #require(nextObject["usage"] as? [String: Any])
            let firstUsage = try #require(object["usage"] as? [String: Any])
            #expect((usage["input_tokens"] as? Int ?? 0) > (firstUsage["input_tokens"] as? Int ?? 0))

            let deleted = try await client.execute(uri: "/v1/responses/\(id)", method: .delete)
            #expect(deleted.status == .ok)
            #expect(try jsonObject(deleted.body) as NSDictionary
                == ["id": id, "object": "response.deleted", "deleted": true] as NSDictionary)
            try expectErrorEnvelope(try await client.execute(uri: "/v1/responses/\(id)", method: .get),
                                    status: .notFound, type: "invalid_request_error", code: "response_not_found")
            try expectErrorEnvelope(try await client.execute(uri: "/v1/responses/\(id)", method: .delete),
                                    status: .notFound, type: "invalid_request_error", code: "response_not_found")
            try expectErrorEnvelope(
                try await postJSON(client, "/v1/responses", [
                    "model": defaultChatModel, "input": "x", "previous_response_id": id,
                ]),
                status: .notFound, type: "invalid_request_error", param: "previous_response_id",
                code: "previous_response_not_found")
        }
    }

    @Test("a stream carries the same text as the plain answer and is stored as its final event shows it")
    func streamMatchesPlain() async throws {
        try await makeApplication().test(.router) { client in
            let request: [String: Any] = [
                "model": defaultChatModel, "input": "Name three colours.", "max_output_tokens": 20, "temperature": 0,
            ]
            let plain = try jsonObject(try await postJSON(client, "/v1/responses", request).body)
            var streaming = request
            streaming["stream"] = true
            let response = try await postJSON(client, "/v1/responses", streaming)
            #expect(response.status == .ok && response.headers[.contentType] == "text/event-stream")
            let events = try responseEvents(response.body)
            #expect(events.first?.0 == "response.created" && events.dropFirst().first?.0 == "response.in_progress")
            #expect(events.map { $0.1["sequence_number"] as? Int } == Array(0..<events.count))
            #expect(events.allSatisfy { $0.0 == $0.1["type"] as? String })
            let deltas = events.filter { $0.0 == "response.output_text.delta" }.compactMap { $0.1["delta"] as? String }
            #expect(deltas.joined() == outputText(plain))
            let last = try #require(events.last)
            #expect(last.0 == (plain["status"] as? String == "completed" ? "response.completed" : "response.incomplete"))
            let final = try #require(last.1["response"] as? [String: Any])
            #expect(outputText(final) == outputText(plain))
            let id = try #require(final["id"] as? String)
            let stored = try jsonObject(try await client.execute(uri: "/v1/responses/\(id)", method: .get).body)
            #expect(stored as NSDictionary == final as NSDictionary)
        }
    }

    @Test("a store that cannot open: store=true and GET are 503 store_unavailable, store=false still answers")
    func storeUnavailable() async throws {
        try await withTemporaryDirectory { folder in
            let blocker = folder.appendingPathComponent("file")
            try Data("not a folder".utf8).write(to: blocker)
            var configuration = makeConfiguration()
            configuration.dataDirectory = blocker.path
            try await makeApplication(configuration).test(.router) { client in
                try expectErrorEnvelope(
                    try await postJSON(client, "/v1/responses", ["model": defaultChatModel, "input": "hi"]),
                    status: .serviceUnavailable, type: "server_error", param: "store", code: "store_unavailable")
                try expectErrorEnvelope(
                    try await client.execute(uri: "/v1/responses/resp_abc", method: .get),
                    status: .serviceUnavailable, type: "server_error", code: "store_unavailable")
                let unstored = try await postJSON(client, "/v1/responses", [
                    "model": defaultChatModel, "input": "hi", "max_output_tokens": 2, "store": false,
                ])
                #expect(unstored.status == .ok)
                #expect(try jsonObject(unstored.body)["store"] as? Bool == false)
            }
        }
    }
}
