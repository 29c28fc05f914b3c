import Foundation
import Testing
@testable import GatewayCore

/// `ai-gateway.yaml` parsing and the catalog's scan: ids, aliases and their clashes, broken folders.
@Suite struct ModelSettingsTests {
    @Test("every key parses with YAML's own types")
    func fullFile() throws {
        let settings = try ModelSettings.parse("""
            id: phi3
            aliases: [phi-3, "gpt-4o-mini"]
            providers:
              - cuda: {device_id: 1, enable_cuda_graph: true}
              - cpu
            context_length: 2048
            keep_alive: 10m
            kv_cache_tokens: 4096
            defaults:
              temperature: 0.7
              top_p: 0.9
              top_k: 40
              max_tokens: 512
            """)
        #expect(settings.id == "phi3")
        #expect(settings.aliases == ["phi-3", "gpt-4o-mini"])
        #expect(settings.providers == [.cuda, .cpu])
        #expect(settings.providerOptions == [.cuda: ["device_id": "1", "enable_cuda_graph": "True"]])
        #expect(settings.contextLength == 2048)
        #expect(settings.keepAlive == .seconds(600))
        #expect(settings.kvCacheTokens == 4096)
        #expect(settings.defaults.temperature == 0.7)
        #expect(settings.defaults.topP == 0.9)
        #expect(settings.defaults.topK == 40)
        #expect(settings.defaults.maxTokens == 512)
    }

    @Test("an empty file and a comment-only file are the empty settings; providers may be one string")
    func emptyAndShortForms() throws {
        #expect(try ModelSettings.parse("") == ModelSettings())
        #expect(try ModelSettings.parse("# nothing\n") == ModelSettings())
        #expect(try ModelSettings.parse("providers: openvino, cpu\nkeep_alive: -1\n").providers == [.openvino, .cpu])
        #expect(try ModelSettings.parse("keep_alive: -1\n").keepAlive == .forever)
        #expect(try ModelSettings.parse("keep_alive: 0\n").keepAlive == .seconds(0))
        #expect(try ModelSettings.parse("aliases: tiny\n").aliases == ["tiny"])
    }

    @Test("bad files are one-line errors naming the key", arguments: [
        ("id: [unclosed\n", "YAML"), ("- a\n- b\n", "mapping"), ("colour: red\n", "'colour'"),
        ("id: ../up\n", "'id'"), ("id: has/slash\n", "'id'"), ("aliases: [ok, \"bad name\"]\n", "'aliases'"),
        ("providers: [tpu]\n", "tpu"), ("providers: [cpu, cpu]\n", "twice"), ("providers: []\n", "empty"),
        ("context_length: 0\n", "context_length"), ("context_length: 1e9\n", "context_length"),
        ("kv_cache_tokens: -5\n", "kv_cache_tokens"), ("keep_alive: soon\n", "keep_alive"),
        ("defaults: {temperature: 3}\n", "temperature"), ("defaults: {top_p: 0}\n", "top_p"),
        ("defaults: {seed: 1}\n", "defaults.seed"), ("defaults: 5\n", "defaults"),
        ("providers:\n  - cuda: {device_id: [1]}\n", "device_id"),
        ("providers:\n  - cpu: {threads: 2}\n", "cpu provider takes no options"),
    ])
    func badFile(text: String, expected: String) {
        do {
            _ = try ModelSettings.parse(text)
            Issue.record("accepted: \(text)")
        } catch {
            #expect(error.message.contains(expected), "\(error.message)")
            #expect(!error.message.contains("\n"), "\(error.message)")
        }
    }

    @Test("model ids: letters, digits and . _ - :, 1 to 128, not starting with a dot")
    func names() {
        for good in ["a", "smollm2-135m-instruct", "llama3:8b", "Phi_3.5", String(repeating: "x", count: 128)] {
            #expect(ModelCatalog.isValidName(good), "\(good)")
        }
        for bad in ["", ".hidden", "a/b", "a b", "é", String(repeating: "x", count: 129), "..", "a\u{0}"] {
            #expect(!ModelCatalog.isValidName(bad), "\(bad)")
        }
    }

    @Test("the scan: settings set id and aliases; the first folder keeps a clashing name; broken folders listed")
    func scan() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("aigw-scan-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        func write(_ path: String, _ text: String) throws {
            let url = root.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: url)
        }
        let genai = #"{"model": {"context_length": 4096, "decoder": {"num_hidden_layers": 2, "num_key_value_heads": 4, "head_size": 8}}}"#
        try write("a-chat/genai_config.json", genai)
        try write("a-chat/ai-gateway.yaml", "id: chat\naliases: [shared, other]\ncontext_length: 1024\n")
        try write("b-embed/model.onnx", "x")
        try write("b-embed/vocab.txt", "[PAD]\n")
        try write("b-embed/ai-gateway.yaml", "aliases: [shared]\n")
        try write("c-bad/model.onnx", "x")
        try write("c-bad/vocab.txt", "x")
        try write("c-bad/ai-gateway.yaml", "nonsense: 1\n")
        try write("d-dup/genai_config.json", genai)
        try write("d-dup/ai-gateway.yaml", "id: chat\n")
        try write(".hidden/model.onnx", "x")
        let catalog = ModelCatalog.scan(directory: root)
        #expect(catalog.entries.map(\.id) == ["chat", "b-embed", "c-bad", "d-dup"])
        let chat = try #require(catalog.entry(named: "other"))
        #expect(chat.id == "chat" && chat.problem == nil && chat.kind == .chat)
        #expect(chat.contextLength == 1024 && chat.modelContextLength == 4096)
        // 2 layers × (K + V) × 4 heads × 8 floats × 4 bytes per token, for the 1024 tokens of the capped context.
        #expect(chat.kvBytesPerToken == 2 * 2 * 4 * 8 * 4)
        #expect(chat.estimatedBytes(rows: 1) == chat.weightBytes + 512 * 1024)
        // Four rows of the served 1024 tokens each, unless kv_cache_tokens says otherwise.
        #expect(chat.kvCacheTokens(rows: 4) == 4096)
        #expect(catalog.entry(named: "shared")?.id == "chat")
        let embed = try #require(catalog.entry(named: "b-embed"))
        #expect(embed.problem?.contains("'shared'") == true)
        #expect(catalog.entry(named: "c-bad")?.problem?.contains("nonsense") == true)
        #expect(catalog.entry(named: "d-dup")?.problem?.contains("'chat'") == true)
        #expect(catalog.entry(named: "missing") == nil)
    }
}
