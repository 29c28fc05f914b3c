import ChatTemplate
import Foundation

/// A chat model's own template, rendered by ai-gateway's Jinja engine (`ChatTemplate`) the way Hugging Face
/// transformers renders it, for the conversations onnxruntime-extensions cannot render faithfully: those with tools
/// (it hands a template each tool flattened) and tool calls or results. Used only for a template that reads `tools`
/// and describes a call format the gateway parses (`<tool_call>` blocks: Qwen2.5, Qwen3, Hermes and their kin; bare
/// `{"name","parameters"}` objects: Llama 3.1-3.3); other templates get the default tools block folded into plain
/// messages (`ToolUse.render`).
public struct ModelChatTemplate: Sendable {
    public let template: ChatTemplate
    /// The call format the template describes to the model and writes past calls in.
    public let format: ToolCallFormat
    /// The special tokens transformers hands every rendering (`bos_token`, `eos_token`, `unk_token`, `pad_token`,
    /// …, `additional_special_tokens`), from `tokenizer_config.json`, else `special_tokens_map.json`.
    public let specialTokens: [(String, TemplateValue)]

    /// The folder's template when it is one the gateway renders itself: `chat_template.jinja`, else
    /// `tokenizer_config.json`'s `chat_template` (a string, or a list of named templates, of which `tool_use` is
    /// preferred, then `default`). nil when there is none, it does not read `tools`, its call format is not one
    /// the gateway parses, or it does not compile (the error is returned as `note`).
    public static func load(directory: URL) -> (template: ModelChatTemplate?, note: String) {
        func object(_ file: String) -> [String: Any] {
            (try? Data(contentsOf: directory.appendingPathComponent(file)))
                .flatMap { try? JSONSerialization.jsonObject(with: $0) as? [String: Any] } ?? [:]
        }
        let config = object("tokenizer_config.json")
        let map = object("special_tokens_map.json")
        var source: String?
        if let data = try? Data(contentsOf: directory.appendingPathComponent("chat_template.jinja")) {
            source = String(decoding: data, as: UTF8.self)
        } else if let text = config["chat_template"] as? String {
            source = text
        } else if let named = config["chat_template"] as? [[String: Any]] {
            let pick = named.first { $0["name"] as? String == "tool_use" } ?? named.first { $0["name"] as? String == "default" }
            source = pick?["template"] as? String
        }
        guard let source else { return (nil, "the folder has no chat template") }
        guard readsTools(source) else { return (nil, "its chat template does not read tools") }
        guard let (format, described) = callFormat(source) else {
            return (nil, "its chat template describes a tool-call format this server does not parse")
        }
        do {
            let template = try ChatTemplate(source)
            return (ModelChatTemplate(template: template, format: format,
                                      specialTokens: specialTokens(config: config, map: map)),
                    "its own chat template renders tools and \(described)")
        } catch {
            return (nil, "its chat template does not compile here: \(error)")
        }
    }

    /// The call format a template describes (the table in `ToolCallFormat`): `<tool_call>` blocks, or Llama's bare
    /// `{"name": …, "parameters": …}` object; nil for any other.
    static func callFormat(_ source: String) -> (ToolCallFormat, String)? {
        if source.contains("<tool_call>") { return (.toolCallTags, "<tool_call> blocks") }
        // Llama 3.1-3.3's own instruction: 'Respond in the format {"name": function name, "parameters": dictionary
        // of argument name and its value}'.
        if source.contains(#""parameters": dictionary of argument name"#) {
            return (.jsonObject, #"bare {"name", "parameters"} objects"#)
        }
        return nil
    }

    /// Whether a template mentions the `tools` variable (as a whole word, outside plain text it would be rare).
    static func readsTools(_ source: String) -> Bool {
        source.range(of: #"\btools\b"#, options: .regularExpression) != nil
    }

    /// A special token as the tokenizer files write it: a string or an AddedToken object with `content`.
    private static func specialToken(_ value: Any?) -> String? {
        if let text = value as? String { return text }
        return (value as? [String: Any])?["content"] as? String
    }

    static let specialTokenKeys = ["bos_token", "eos_token", "unk_token", "sep_token", "pad_token", "cls_token",
                                   "mask_token"]

    /// Each special token the folder names (tokenizer_config.json first, then special_tokens_map.json), and the
    /// additional ones as a list.
    static func specialTokens(config: [String: Any], map: [String: Any]) -> [(String, TemplateValue)] {
        var tokens: [(String, TemplateValue)] = []
        for key in specialTokenKeys {
            if let token = specialToken(config[key]) ?? specialToken(map[key]) { tokens.append((key, .string(token))) }
        }
        let additional = (config["additional_special_tokens"] as? [Any]) ?? (map["additional_special_tokens"] as? [Any])
        if let additional {
            tokens.append(("additional_special_tokens", .array(additional.compactMap(specialToken).map(TemplateValue.string))))
        }
        return tokens
    }

    /// Renders `messages` with the assistant turn opened. `tools` are handed to the template unless the choice is
    /// `none` (then `tools` is None, as transformers passes it without tools), as transformers' `apply_chat_template(messages, tools=…)` receives them from OpenAI-compatible
    /// servers: each tool as `{"type":"function","function":{"name","description"?,"parameters"}}`, an assistant's
    /// calls as `{"id","type":"function","function":{"name","arguments": <the arguments as an object>}}` (content
    /// None when the turn is only calls), a tool result with its `tool_call_id`, and the folder's special tokens.
    public func render(_ messages: [PromptMessage], tools: ToolUse?) throws -> String {
        // transformers hands `tools` and `documents` to every rendering, None when there are none.
        var described = TemplateValue.null
        if let tools, tools.choice != .none, !tools.tools.isEmpty { described = .array(tools.tools.map(Self.tool)) }
        var context: [(String, TemplateValue)] = [
            ("messages", .array(messages.map(Self.message))),
            ("tools", described),
            ("documents", .null),
            ("add_generation_prompt", .bool(true)),
        ]
        context += specialTokens
        return try template.render(context)
    }

    static func message(_ message: PromptMessage) -> TemplateValue {
        // An assistant turn that only calls functions has no content: None, as OpenAI's clients send it.
        let content: TemplateValue = message.role == .assistant && !message.toolCalls.isEmpty && message.content.isEmpty
            ? .null : .string(message.content)
        var pairs: [(String, TemplateValue)] = [("role", .string(message.role.rawValue)), ("content", content)]
        if let name = message.name { pairs.append(("name", .string(name))) }
        if !message.toolCalls.isEmpty {
            pairs.append(("tool_calls", .array(message.toolCalls.map { call in
                .object([("id", .string(call.id)), ("type", "function"),
                         ("function", .object([("name", .string(call.name)),
                                               ("arguments", (try? TemplateValue(json: call.arguments))
                                                   ?? .string(call.arguments))]))])
            })))
        }
        if let id = message.toolCallID { pairs.append(("tool_call_id", .string(id))) }
        return .object(pairs)
    }

    static func tool(_ tool: ToolDefinition) -> TemplateValue {
        var function: [(String, TemplateValue)] = [("name", .string(tool.name))]
        if let description = tool.description { function.append(("description", .string(description))) }
        function.append(("parameters", (try? TemplateValue(json: tool.parameters)) ?? .object([])))
        return .object([("type", "function"), ("function", .object(function))])
    }
}
