import ChatTemplate
import Foundation
@testable import GatewayCore
import Testing

/// What the gateway hands a model's own template besides the conversation, as transformers does.
@Suite("A model's own template: special tokens and call-only turns")
struct ModelChatTemplateTests {
    @Test("special tokens come from tokenizer_config.json, else special_tokens_map.json, additional ones as a list")
    func specialTokens() {
        let tokens = ModelChatTemplate.specialTokens(
            config: ["bos_token": "<s>", "eos_token": ["content": "</s>", "lstrip": false], "sep_token": NSNull()],
            map: ["bos_token": "<ignored>", "unk_token": "<unk>", "additional_special_tokens": ["<a>", ["content": "<b>"]]])
        #expect(tokens.map(\.0) == ["bos_token", "eos_token", "unk_token", "additional_special_tokens"])
        #expect(tokens.map(\.1) == [.string("<s>"), .string("</s>"), .string("<unk>"), .array(["<a>", "<b>"])])
    }

    @Test("an assistant turn that only calls functions has None content; arguments become an object")
    func callOnlyTurn() throws {
        let message = ModelChatTemplate.message(PromptMessage(
            role: .assistant, content: "", toolCalls: [ToolCall(id: "c1", name: "f", arguments: #"{"b":1,"a":[2]}"#)]))
        #expect(message["content"] == .null)
        guard case .array(let calls)? = message["tool_calls"], let function = calls.first?["function"],
              case .object(let arguments)? = function["arguments"] else {
            Issue.record("no call in \(message)")
            return
        }
        #expect(arguments.keys == ["b", "a"], "the client's key order")
        #expect(ModelChatTemplate.message(PromptMessage(role: .assistant, content: ""))["content"] == .string(""))
        let broken = ModelChatTemplate.message(PromptMessage(
            role: .assistant, content: "x", toolCalls: [ToolCall(id: "c", name: "f", arguments: "{not json")]))
        guard case .array(let kept)? = broken["tool_calls"] else {
            Issue.record("no call")
            return
        }
        #expect(kept.first?["function"]?["arguments"] == .string("{not json"), "unparseable arguments stay a string")
    }
}
