import Foundation
import GatewayCore
import Hummingbird
import HummingbirdTesting
import Testing

/// The default chat model's weights served under Qwen2.5-Instruct's chat template, which reads `tools` and writes
/// `<tool_call>` blocks: the gateway renders such a template itself, as transformers does. The prompt sizes come
/// from jinja2 configured as transformers configures it and Hugging Face `tokenizers`
/// (tools/tool_template_fixtures.py → Fixtures/model_tool_template.json).
@Suite("A model's own template renders tools, calls and results as transformers does")
struct ModelToolTemplateTests {
    static let fixtures = TestEnvironment.root.appendingPathComponent("Tests/GatewayServerTests/Fixtures")
    static let model = "smollm2-qwen-tools"

    struct Case: Sendable {
        let name: String
        /// The request body exactly as the oracle rendered it (key order matters to `tojson`).
        let body: String
        let promptTokens: Int
    }

    static func cases() throws -> [Case] {
        let data = try Data(contentsOf: fixtures.appendingPathComponent("model_tool_template.json"))
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        return try #require(object["cases"] as? [[String: Any]]).map { entry in
            Case(name: entry["name"] as? String ?? "",
                 body: entry["body"] as? String ?? "",
                 promptTokens: entry["prompt_tokens"] as? Int ?? -1)
        }
    }

    /// A models folder with the default chat model under the Qwen2.5 template (its other files linked).
    static func withModelFolder(_ body: (URL) async throws -> Void) async throws {
        try await withTemporaryDirectory { folder in
            let manager = FileManager.default
            let source = URL(fileURLWithPath: TestEnvironment.modelsDirectory)
                .appendingPathComponent("smollm2-135m-instruct")
            let target = folder.appendingPathComponent(model)
            try manager.createDirectory(at: target, withIntermediateDirectories: true)
            for file in try manager.contentsOfDirectory(atPath: source.path) where file != "tokenizer_config.json" {
                try manager.createSymbolicLink(at: target.appendingPathComponent(file),
                                               withDestinationURL: source.appendingPathComponent(file))
            }
            let configData = try Data(contentsOf: source.appendingPathComponent("tokenizer_config.json"))
            var config = try #require(try JSONSerialization.jsonObject(with: configData) as? [String: Any])
            config["chat_template"] = try String(contentsOf: fixtures.appendingPathComponent("qwen2.5-instruct.jinja"),
                                                 encoding: .utf8)
            try JSONSerialization.data(withJSONObject: config).write(to: target.appendingPathComponent("tokenizer_config.json"))
            try await body(folder)
        }
    }

    @Test("prompt token counts equal transformers' rendering; a required call comes back parsed")
    func promptTokens() async throws {
        let cases = try Self.cases()
        #expect(cases.count == 4)
        try await Self.withModelFolder { folder in
            try await makeApplication(makeConfiguration(modelsDirectory: folder.path)).test(.router) { client in
                for entry in cases {
                    let request = try #require(try JSONSerialization.jsonObject(with: Data(entry.body.utf8))
                        as? [String: Any])
                    let choiceSent = request["tool_choice"] as? String
                    #expect(request["model"] as? String == Self.model)
                    let response = try await client.execute(
                        uri: "/v1/chat/completions", method: .post, headers: [.contentType: "application/json"],
                        body: ByteBuffer(string: entry.body))
                    #expect(response.status == .ok, "\(entry.name): \(String(buffer: response.body).prefix(300))")
                    let object = try jsonObject(response.body)
                    #expect(usageCounts(object["usage"])["prompt_tokens"] == entry.promptTokens, "\(entry.name)")
                    let choice = try #require((object["choices"] as? [[String: Any]])?.first)
                    let calls = (choice["message"] as? [String: Any])?["tool_calls"] as? [[String: Any]] ?? []
                    switch choiceSent {
                    case "required"?:
                        #expect(calls.count == 1, "\(entry.name): \(choice)")
                        let function = calls.first?["function"] as? [String: Any]
                        let arguments = (function?["arguments"] as? String).map { Data($0.utf8) } ?? Data()
                        #expect((try? JSONSerialization.jsonObject(with: arguments)) is [String: Any], "\(choice)")
                    case "none"?:
                        #expect(calls.isEmpty)
                    default:
                        break
                    }
                }
            }
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
