import Foundation
import GatewayCore
import Hummingbird
import HummingbirdTesting
import Testing

/// The default chat model's weights served under two published templates that read `tools`: Qwen2.5-Instruct's
/// (`<tool_call>` blocks) and Llama 3.3-Instruct's (a bare `{"name","parameters"}` object, one call per turn). The
/// gateway renders such templates itself, as transformers does; the prompt sizes (and the template's refusals) come
/// from jinja2 configured as transformers configures it and Hugging Face `tokenizers`
/// (tools/tool_template_fixtures.py → Fixtures/model_tool_template.json).
@Suite("A model's own template renders tools, calls and results as transformers does")
struct ModelToolTemplateTests {
    static let fixtures = TestEnvironment.root.appendingPathComponent("Tests/GatewayServerTests/Fixtures")
    static let templates = TestEnvironment.root.appendingPathComponent("Tests/ChatTemplateTests/Fixtures/templates")

    /// One function with a short bounded argument, for the requests the test writes itself.
    static var weatherTools: [[String: Any]] {
        [["type": "function", "function": ["name": "get_weather", "parameters": [
            "type": "object", "properties": ["city": ["type": "string", "maxLength": 12]],
            "required": ["city"], "additionalProperties": false]]]]
    }

    struct Case: Sendable {
        let name: String
        /// The request body exactly as the oracle rendered it (key order matters to `tojson`).
        let body: String
        /// nil when the template refuses the conversation.
        let promptTokens: Int?
        let error: String?
    }

    struct Served: Sendable {
        let template: String
        let model: String
        let cases: [Case]
    }

    static func served() throws -> [Served] {
        let data = try Data(contentsOf: fixtures.appendingPathComponent("model_tool_template.json"))
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        return try #require(object["served"] as? [[String: Any]]).map { entry in
            Served(template: entry["template"] as? String ?? "", model: entry["model"] as? String ?? "",
                   cases: (entry["cases"] as? [[String: Any]] ?? []).map { item in
                       Case(name: item["name"] as? String ?? "", body: item["body"] as? String ?? "",
                            promptTokens: item["prompt_tokens"] as? Int, error: item["error"] as? String)
                   })
        }
    }

    /// A models folder with the default chat model under each template (its other files linked).
    static func withModelFolder(_ served: [Served], _ body: (URL) async throws -> Void) async throws {
        try await withTemporaryDirectory { folder in
            let manager = FileManager.default
            let source = URL(fileURLWithPath: TestEnvironment.modelsDirectory)
                .appendingPathComponent("smollm2-135m-instruct")
            let configData = try Data(contentsOf: source.appendingPathComponent("tokenizer_config.json"))
            for entry in served {
                let target = folder.appendingPathComponent(entry.model)
                try manager.createDirectory(at: target, withIntermediateDirectories: true)
                for file in try manager.contentsOfDirectory(atPath: source.path) where file != "tokenizer_config.json" {
                    try manager.createSymbolicLink(at: target.appendingPathComponent(file),
                                                   withDestinationURL: source.appendingPathComponent(file))
                }
                var config = try #require(try JSONSerialization.jsonObject(with: configData) as? [String: Any])
                config["chat_template"] = try String(contentsOf: templates.appendingPathComponent(entry.template),
                                                     encoding: .utf8)
                try JSONSerialization.data(withJSONObject: config)
                    .write(to: target.appendingPathComponent("tokenizer_config.json"))
            }
            try await body(folder)
        }
    }

    @Test("prompt token counts equal transformers' rendering; a required call comes back parsed in each format")
    func promptTokens() async throws {
        let served = try Self.served()
        #expect(served.map(\.cases.count) == [5, 5])
        try await Self.withModelFolder(served) { folder in
            let formats = served.map { ModelChatTemplate.load(directory: folder.appendingPathComponent($0.model)) }
            #expect(formats.map { $0.template?.format } == [.toolCallTags, .jsonObject], "\(formats.map(\.note))")
            try await makeApplication(makeConfiguration(modelsDirectory: folder.path)).test(.router) { client in
                for entry in served {
                    for item in entry.cases {
                        try await Self.check(item, model: entry.model, client: client)
                    }
                }
                // /v1/models says who renders tools and in which format.
                let list = try jsonObject(try await client.execute(uri: "/v1/models", method: .get).body)
                let models = (list["data"] as? [[String: Any]] ?? []).filter { served.map(\.model).contains($0["id"] as? String ?? "") }
                #expect(Set(models.compactMap { $0["tool_template"] as? String }) == ["model_template"], "\(models)")
                #expect(Set(models.compactMap { $0["tool_call_format"] as? String }) == ["tool_call_tags", "json_object"])
                // A newline is in the <tool_call> markup, not in Llama's bare object: refused for one model only.
                var statuses: [HTTPResponse.Status] = []
                for model in served.map(\.model) {
                    statuses.append(try await postJSON(client, "/v1/chat/completions", [
                        "model": model, "messages": [["role": "user", "content": "Weather in Oslo?"]], "stop": ["\n"],
                        "max_tokens": 40, "tool_choice": "required",
                        "tools": Self.weatherTools,
                    ]).status)
                }
                #expect(statuses == [.badRequest, .ok])
                // Streamed, each format gives OpenAI's tool-call deltas and never the markup as content.
                for model in served.map(\.model) {
                    let stream = try await postJSON(client, "/v1/chat/completions", [
                        "model": model, "messages": [["role": "user", "content": "Weather in Oslo?"]], "stream": true,
                        "max_tokens": 60, "tool_choice": "required", "temperature": 0,
                        "tools": Self.weatherTools,
                    ])
                    let text = String(buffer: stream.body)
                    let chunks = text.components(separatedBy: "\n\n").compactMap { frame -> [String: Any]? in
                        guard frame.hasPrefix("data: {") else { return nil }
                        return try? JSONSerialization.jsonObject(with: Data(frame.dropFirst(6).utf8)) as? [String: Any]
                    }
                    let deltas = chunks.compactMap { ($0["choices"] as? [[String: Any]])?.first?["delta"] as? [String: Any] }
                    let calls = deltas.compactMap { $0["tool_calls"] as? [[String: Any]] }.flatMap { $0 }
                    let first = calls.filter { $0["index"] as? Int == 0 }
                    let functions = first.compactMap { $0["function"] as? [String: Any] }
                    #expect(functions.first?["name"] as? String == "get_weather", "\(model): \(text.prefix(600))")
                    #expect(first.first?["id"] is String && first.first?["type"] as? String == "function")
                    let arguments = functions.compactMap { $0["arguments"] as? String }.joined()
                    #expect((try? JSONSerialization.jsonObject(with: Data(arguments.utf8))) is [String: Any],
                            "\(model): \(arguments)")
                    let content = deltas.compactMap { $0["content"] as? String }.joined()
                    #expect(content.isEmpty, "\(model): no markup as content: \(content)")
                    let finish = chunks.compactMap { ($0["choices"] as? [[String: Any]])?.first?["finish_reason"] as? String }
                    #expect(finish == ["tool_calls"], "\(model)")
                }
            }
        }
    }

    static func check(_ item: Case, model: String, client: some TestClientProtocol) async throws {
        let request = try #require(try JSONSerialization.jsonObject(with: Data(item.body.utf8)) as? [String: Any])
        #expect(request["model"] as? String == model)
        let label = "\(model): \(item.name)"
        let response = try await client.execute(
            uri: "/v1/chat/completions", method: .post, headers: [.contentType: "application/json"],
            body: ByteBuffer(string: item.body))
        if let error = item.error {
            try expectErrorEnvelope(response, status: .badRequest, type: "invalid_request_error", param: "messages",
                                    code: "chat_template_error")
            #expect(String(buffer: response.body).contains(error), "\(label)")
            return
        }
        #expect(response.status == .ok, "\(label): \(String(buffer: response.body).prefix(300))")
        let object = try jsonObject(response.body)
        #expect(usageCounts(object["usage"])["prompt_tokens"] == item.promptTokens, "\(label)")
        let choice = try #require((object["choices"] as? [[String: Any]])?.first)
        let message = choice["message"] as? [String: Any]
        let calls = message?["tool_calls"] as? [[String: Any]] ?? []
        switch request["tool_choice"] {
        case "required" as String:
            #expect(calls.count == 1, "\(label): \(choice)")
            #expect(choice["finish_reason"] as? String == "tool_calls", "\(label): \(choice)")
            let function = calls.first?["function"] as? [String: Any]
            #expect(["get_weather", "get_time"].contains(function?["name"] as? String ?? ""))
            let arguments = (function?["arguments"] as? String).map { Data($0.utf8) } ?? Data()
            #expect((try? JSONSerialization.jsonObject(with: arguments)) is [String: Any], "\(label): \(choice)")
        case let named as [String: Any]:
            let name = (named["function"] as? [String: Any])?["name"] as? String
            #expect(calls.count == 1 && (calls.first?["function"] as? [String: Any])?["name"] as? String == name,
                    "\(label): \(choice)")
        case "none" as String:
            #expect(calls.isEmpty, "\(label)")
        default:
            // auto: either a call or text, never the call markup as text.
            let content = message?["content"] as? String ?? ""
            #expect(!content.contains("<tool_call>") && !content.hasPrefix(#"{"name""#), "\(label): \(choice)")
        }
    }

    @Test("the default model's template does not read tools: it keeps the default tools block")
    func defaultModelKeepsBlock() throws {
        let folder = URL(fileURLWithPath: TestEnvironment.modelsDirectory).appendingPathComponent("smollm2-135m-instruct")
        let loaded = ModelChatTemplate.load(directory: folder)
        #expect(loaded.template == nil)
        #expect(loaded.note == "its chat template does not read tools")
    }
}
