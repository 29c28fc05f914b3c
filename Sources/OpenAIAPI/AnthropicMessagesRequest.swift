import Foundation
import GatewayCore

/// The body of `POST /v1/messages` (Anthropic's Messages API) and, with `countOnly`, of
/// `POST /v1/messages/count_tokens`. Every field is honoured or refused with a 400 naming it: text, `tool_use` and
/// `tool_result` blocks, `system`, `tools` (custom tools with an `input_schema`), `tool_choice`, `max_tokens`,
/// `stop_sequences`, `temperature`, `top_p`, `top_k`, `stream`, `metadata` and `output_config.format` (a JSON
/// schema). `cache_control` is accepted at the top and on any block: prompt prefixes are cached without being asked
/// (see `cache_read_input_tokens`).
public struct AnthropicMessagesRequest: Decodable, Sendable {
    /// Most stop sequences per request.
    public static let maxStopSequences = 16

    public let model: String
    /// The conversation, tool calls and results folded into `PromptMessage`s, the system prompt first.
    public let messages: [PromptMessage]
    public let maxTokens: Int
    public let stopSequences: [String]
    public let temperature: Double?
    public let topP: Double?
    public let topK: Int?
    public let stream: Bool
    /// `tools` and `tool_choice`; nil without tools.
    public let tools: ToolUse?
    public let keepAlive: KeepAlive?

    private static let fields: Set<String> = [
        "model", "messages", "system", "max_tokens", "stop_sequences", "temperature", "top_p", "top_k", "stream",
        "tools", "tool_choice", "metadata", "thinking", "service_tier", "container", "mcp_servers",
        "context_management", "cache_control", "output_config", "speed", "inference_geo", "diagnostics",
        "user_profile_id", "workspace_id", KeepAliveField.name,
    ]
    private static let countFields: Set<String> = [
        "model", "messages", "system", "tools", "tool_choice", "thinking", "mcp_servers", "context_management",
        "cache_control", "output_config",
    ]
    /// `output_config.format`: the JSON schema the answer must follow (nil: text).
    public let grammar: OutputGrammar?

    public init(from decoder: any Decoder) throws {
        try self.init(from: decoder, countOnly: false)
    }

    init(from decoder: any Decoder, countOnly: Bool) throws {
        let reader = try CompletionFieldReader(decoder, known: countOnly ? Self.countFields : Self.fields)
        model = try reader.required(String.self, "model")
        guard !model.isEmpty else { throw APIError.invalidRequest("model: must not be empty", param: "model") }
        if countOnly {
            maxTokens = 1
            stopSequences = []
            temperature = nil
            topP = nil
            topK = nil
            stream = false
            keepAlive = nil
        } else {
            maxTokens = try reader.required(Int.self, "max_tokens")
            guard maxTokens >= 1 else {
                throw APIError.invalidRequest(
                    "max_tokens: must be at least 1 (0, which only pre-warms Anthropic's prompt cache, is not "
                        + "supported: prefixes are cached by every request)", param: "max_tokens",
                    code: "integer_below_min_value")
            }
            let stops = try reader.optional([String].self, "stop_sequences") ?? []
            guard stops.count <= Self.maxStopSequences, stops.allSatisfy({ !$0.isEmpty }) else {
                throw APIError.invalidRequest(
                    "stop_sequences: at most \(Self.maxStopSequences) non-empty strings", param: "stop_sequences",
                    code: "invalid_value")
            }
            stopSequences = stops
            temperature = try reader.number("temperature", in: 0...1)
            topP = try reader.number("top_p", in: 0...1, openLowerBound: true)
            topK = try reader.integer("top_k", in: 1...Int(Int32.max))
            stream = try reader.optional(Bool.self, "stream") ?? false
            keepAlive = try KeepAliveField.parse(reader.value(KeepAliveField.name))
            if let metadata = try reader.value("metadata"), metadata != .null {
                guard case .object(let fields) = metadata else {
                    throw CompletionFieldReader.wrongType("metadata", expected: "an object", sent: metadata.typeName)
                }
                for (key, value) in fields {
                    guard key == "user_id" else {
                        throw APIError.invalidRequest("metadata.\(key): Extra inputs are not permitted",
                                                      param: "metadata.\(key)")
                    }
                    guard value == .null || { if case .string = value { true } else { false } }() else {
                        throw CompletionFieldReader.wrongType("metadata.user_id", expected: "a string",
                                                              sent: value.typeName)
                    }
                }
            }
            try Self.refuse(reader, "service_tier", unless: [.null, .string("auto"), .string("standard_only")],
                            accepted: "\"auto\" or \"standard_only\"")
            try Self.refuse(reader, "container", unless: [.null], accepted: "null")
            try Self.refuse(reader, "speed", unless: [.null, .string("standard")], accepted: "\"standard\"")
            try Self.refuse(reader, "inference_geo", unless: [.null], accepted: "null (inference runs here)")
            try Self.refuse(reader, "diagnostics", unless: [.null], accepted: "null")
            // Attribution only, as `metadata.user_id`.
            _ = try reader.optional(String.self, "user_profile_id")
            _ = try reader.optional(String.self, "workspace_id")
        }
        try Self.checkCacheControl(reader.value("cache_control"), path: "cache_control")
        grammar = try Self.parseOutputConfig(reader.value("output_config"))
        try Self.refuse(reader, "mcp_servers", unless: [.null, .array([])], accepted: "null or []")
        try Self.refuse(reader, "context_management", unless: [.null], accepted: "null")
        if let thinking = try reader.value("thinking"), thinking != .null,
           thinking != .object(["type": .string("disabled")]) {
            throw APIError.invalidRequest(
                "thinking: extended thinking is not supported by this server; only {\"type\": \"disabled\"} is "
                    + "accepted", param: "thinking", code: "unsupported_parameter")
        }
        tools = try Self.parseTools(reader, model: model)
        if grammar != nil, tools?.parsesCalls == true {
            throw APIError.invalidRequest(
                "output_config.format: cannot be combined with tools unless tool_choice is none", param: "output_config",
                code: "invalid_value")
        }
        messages = try Self.parseSystem(reader.value("system")) + Self.parseMessages(reader)
        if !countOnly, messages.last?.role == .assistant {
            throw APIError.invalidRequest(
                "messages: this model does not support assistant message prefill; the conversation must end with a "
                    + "user message", param: "messages", code: "invalid_value")
        }
    }

    /// `output_config`: `format` (`{"type": "json_schema", "schema": {…}}`) becomes a grammar; `effort` only as null
    /// (the served models do not reason).
    private static func parseOutputConfig(_ value: CompletionJSONValue?) throws -> OutputGrammar? {
        guard let value, value != .null else { return nil }
        guard case .object(let fields) = value else {
            throw CompletionFieldReader.wrongType("output_config", expected: "an object", sent: value.typeName)
        }
        try checkKeys(fields, ["effort", "format"], path: "output_config")
        if let effort = fields["effort"], effort != .null {
            throw APIError.invalidRequest("output_config.effort: not supported by this server; only null",
                                          param: "output_config.effort", code: "unsupported_parameter")
        }
        guard let format = fields["format"], format != .null else { return nil }
        guard case .object(let formatFields) = format else {
            throw CompletionFieldReader.wrongType("output_config.format", expected: "an object", sent: format.typeName)
        }
        try checkKeys(formatFields, ["type", "schema"], path: "output_config.format")
        guard formatFields["type"] == .string("json_schema") else {
            throw APIError.invalidRequest("output_config.format.type: Input should be 'json_schema'",
                                          param: "output_config.format.type", code: "invalid_value")
        }
        guard case .object(let schema)? = formatFields["schema"] else {
            throw APIError.invalidRequest("output_config.format.schema: Field required (an object)",
                                          param: "output_config.format.schema", code: "missing_required_parameter")
        }
        let data = try JSONSerialization.data(withJSONObject: ResponseFormat.foundation(.object(schema)),
                                              options: [.sortedKeys])
        return .jsonSchema(String(decoding: data, as: UTF8.self))
    }

    /// What the engine is asked for.
    public func generationParameters() -> GenerationParameters {
        GenerationParameters(maxTokens: maxTokens, temperature: temperature, topP: topP, topK: topK,
                             stop: stopSequences, grammar: grammar ?? tools?.grammar())
    }

    private static func refuse(_ reader: CompletionFieldReader, _ name: String, unless accepted: [CompletionJSONValue],
                               accepted description: String) throws {
        guard let value = try reader.value(name), !accepted.contains(value) else { return }
        throw APIError.invalidRequest("\(name): not supported by this server; only \(description) is accepted",
                                      param: name, code: "unsupported_parameter")
    }

    // MARK: - system and messages

    private static func parseSystem(_ value: CompletionJSONValue?) throws -> [PromptMessage] {
        switch value {
        case nil, .null?:
            return []
        case .string(let text)?:
            return [PromptMessage(role: .system, content: text)]
        case .array(let blocks)?:
            let text = try blocks.enumerated().map { index, block in
                try textBlock(block, path: "system.\(index)")
            }.joined(separator: "\n")
            return [PromptMessage(role: .system, content: text)]
        case let other?:
            throw CompletionFieldReader.wrongType("system", expected: "a string or an array of text blocks",
                                                  sent: other.typeName)
        }
    }

    private static func parseMessages(_ reader: CompletionFieldReader) throws -> [PromptMessage] {
        let items = try reader.required([CompletionJSONValue].self, "messages")
        guard !items.isEmpty else {
            throw APIError.invalidRequest("messages: at least one message is required", param: "messages",
                                          code: "empty_array")
        }
        var out: [PromptMessage] = []
        for (index, item) in items.enumerated() {
            out += try parseMessage(item, path: "messages.\(index)")
        }
        return out
    }

    private static func parseMessage(_ value: CompletionJSONValue, path: String) throws -> [PromptMessage] {
        guard case .object(let fields) = value else {
            throw CompletionFieldReader.wrongType(path, expected: "an object", sent: value.typeName)
        }
        if let unknown = fields.keys.sorted().first(where: { $0 != "role" && $0 != "content" }) {
            throw APIError.invalidRequest("\(path).\(unknown): Extra inputs are not permitted",
                                          param: "\(path).\(unknown)")
        }
        let role: PromptMessage.Role
        switch fields["role"] {
        case .string("user")?: role = .user
        case .string("assistant")?: role = .assistant
        case nil, .null?:
            throw APIError.invalidRequest("\(path).role: Field required", param: "\(path).role",
                                          code: "missing_required_parameter")
        case .string(let other)?:
            throw APIError.invalidRequest("\(path).role: Input should be 'user' or 'assistant', not '\(other.prefix(40))'",
                                          param: "\(path).role", code: "invalid_value")
        case let other?:
            throw CompletionFieldReader.wrongType("\(path).role", expected: "a string", sent: other.typeName)
        }
        switch fields["content"] {
        case .string(let text)?:
            return [PromptMessage(role: role, content: text)]
        case .array(let blocks)?:
            guard !blocks.isEmpty else {
                throw APIError.invalidRequest("\(path).content: at least one content block is required",
                                              param: "\(path).content", code: "empty_array")
            }
            return try parseBlocks(blocks, role: role, path: "\(path).content")
        case nil, .null?:
            throw APIError.invalidRequest("\(path).content: Field required", param: "\(path).content",
                                          code: "missing_required_parameter")
        case let other?:
            throw CompletionFieldReader.wrongType("\(path).content", expected: "a string or an array of blocks",
                                                  sent: other.typeName)
        }
    }

    /// A message's blocks: text joins into the message; `tool_use` blocks become the assistant's calls;
    /// `tool_result` blocks become tool messages, in order with the user's text around them.
    private static func parseBlocks(_ blocks: [CompletionJSONValue], role: PromptMessage.Role, path: String) throws
        -> [PromptMessage]
    {
        var out: [PromptMessage] = []
        var text = ""
        var calls: [ToolCall] = []
        for (index, block) in blocks.enumerated() {
            let blockPath = "\(path).\(index)"
            guard case .object(let fields) = block else {
                throw CompletionFieldReader.wrongType(blockPath, expected: "an object", sent: block.typeName)
            }
            switch fields["type"] {
            case .string("text")?:
                text += try textBlock(block, path: blockPath)
            case .string("tool_use")? where role == .assistant:
                try checkKeys(fields, ["type", "id", "name", "input", "cache_control"], path: blockPath)
                let id = try string(fields["id"], path: "\(blockPath).id")
                let name = try string(fields["name"], path: "\(blockPath).name")
                guard case .object(let input)? = fields["input"] else {
                    throw APIError.invalidRequest("\(blockPath).input: Input should be an object",
                                                  param: "\(blockPath).input", code: "invalid_type")
                }
                let data = try JSONSerialization.data(withJSONObject: ResponseFormat.foundation(.object(input)),
                                                      options: [.sortedKeys])
                calls.append(ToolCall(id: id, name: name, arguments: String(decoding: data, as: UTF8.self)))
            case .string("tool_result")? where role == .user:
                try checkKeys(fields, ["type", "tool_use_id", "content", "is_error", "cache_control"], path: blockPath)
                let id = try string(fields["tool_use_id"], path: "\(blockPath).tool_use_id")
                var result: String
                switch fields["content"] {
                case nil, .null?: result = ""
                case .string(let value)?: result = value
                case .array(let parts)?:
                    result = try parts.enumerated().map { try textBlock($1, path: "\(blockPath).content.\($0)") }
                        .joined(separator: "\n")
                case let other?:
                    throw CompletionFieldReader.wrongType("\(blockPath).content",
                                                          expected: "a string or an array of text blocks",
                                                          sent: other.typeName)
                }
                switch fields["is_error"] {
                case nil, .null?, .bool(false)?: break
                case .bool(true)?: result = "Error: " + result
                case let other?:
                    throw CompletionFieldReader.wrongType("\(blockPath).is_error", expected: "a boolean",
                                                          sent: other.typeName)
                }
                if !text.isEmpty {
                    out.append(PromptMessage(role: .user, content: text))
                    text = ""
                }
                out.append(PromptMessage(role: .tool, content: result, toolCallID: id))
            case .string(let type)?:
                let allowed = role == .assistant ? "'text' and 'tool_use'" : "'text' and 'tool_result'"
                throw APIError.invalidRequest(
                    "\(blockPath).type: blocks of type '\(type.prefix(40))' are not supported in \(role.rawValue) "
                        + "messages by this server; \(allowed) are", param: "\(blockPath).type",
                    code: "unsupported_value")
            case nil, .null?:
                throw APIError.invalidRequest("\(blockPath).type: Field required", param: "\(blockPath).type",
                                              code: "missing_required_parameter")
            case let other?:
                throw CompletionFieldReader.wrongType("\(blockPath).type", expected: "a string", sent: other.typeName)
            }
        }
        if !text.isEmpty || !calls.isEmpty || out.isEmpty {
            out.append(PromptMessage(role: role, content: text, toolCalls: calls))
        }
        return out
    }

    /// A `{type: "text", text, cache_control?, citations?}` block's text.
    private static func textBlock(_ value: CompletionJSONValue, path: String) throws -> String {
        guard case .object(let fields) = value else {
            throw CompletionFieldReader.wrongType(path, expected: "an object", sent: value.typeName)
        }
        guard fields["type"] == .string("text") else {
            throw APIError.invalidRequest("\(path).type: only 'text' blocks are supported here",
                                          param: "\(path).type", code: "invalid_value")
        }
        try checkKeys(fields, ["type", "text", "cache_control", "citations"], path: path)
        if let citations = fields["citations"], citations != .null, citations != .array([]) {
            throw APIError.invalidRequest("\(path).citations: citations are not supported; only null or []",
                                          param: "\(path).citations", code: "unsupported_parameter")
        }
        try checkCacheControl(fields["cache_control"], path: "\(path).cache_control")
        return try string(fields["text"], path: "\(path).text")
    }

    /// `cache_control`: `{"type": "ephemeral", "ttl"?: "5m" | "1h"}` or null.
    private static func checkCacheControl(_ value: CompletionJSONValue?, path: String) throws {
        guard let value, value != .null else { return }
        guard case .object(let fields) = value, fields["type"] == .string("ephemeral"),
              fields.keys.allSatisfy({ $0 == "type" || $0 == "ttl" }),
              [nil, .string("5m"), .string("1h")].contains(fields["ttl"])
        else {
            throw APIError.invalidRequest("\(path): expected {\"type\": \"ephemeral\", \"ttl\"?: \"5m\" | \"1h\"}",
                                          param: path, code: "invalid_value")
        }
    }

    private static func checkKeys(_ fields: [String: CompletionJSONValue], _ known: Set<String>, path: String) throws {
        if let unknown = fields.keys.sorted().first(where: { !known.contains($0) }) {
            throw APIError.invalidRequest("\(path).\(unknown): Extra inputs are not permitted",
                                          param: "\(path).\(unknown)")
        }
        if known.contains("cache_control") { try checkCacheControl(fields["cache_control"], path: "\(path).cache_control") }
    }

    private static func string(_ value: CompletionJSONValue?, path: String) throws -> String {
        switch value {
        case .string(let text)?: return text
        case nil, .null?:
            throw APIError.invalidRequest("\(path): Field required", param: path, code: "missing_required_parameter")
        case let other?:
            throw CompletionFieldReader.wrongType(path, expected: "a string", sent: other.typeName)
        }
    }

    // MARK: - tools

    private static func parseTools(_ reader: CompletionFieldReader, model: String) throws -> ToolUse? {
        var definitions: [ToolDefinition] = []
        if let value = try reader.value("tools"), value != .null {
            guard case .array(let items) = value else {
                throw CompletionFieldReader.wrongType("tools", expected: "an array", sent: value.typeName)
            }
            guard items.count <= ChatTools.maxTools else {
                throw APIError.invalidRequest("tools: at most \(ChatTools.maxTools) tools are allowed", param: "tools",
                                              code: "array_above_max_length")
            }
            for (index, item) in items.enumerated() {
                let path = "tools.\(index)"
                guard case .object(var fields) = item else {
                    throw CompletionFieldReader.wrongType(path, expected: "an object", sent: item.typeName)
                }
                switch fields["type"] {
                case nil, .null?, .string("custom")?: break
                case .string(let type)?:
                    throw APIError.invalidRequest(
                        "\(path).type: server tools ('\(type.prefix(40))') are not supported by this server; only "
                            + "custom tools with an input_schema are", param: "\(path).type", code: "unsupported_value")
                case let other?:
                    throw CompletionFieldReader.wrongType("\(path).type", expected: "a string", sent: other.typeName)
                }
                try checkKeys(fields, ["type", "name", "description", "input_schema", "cache_control"], path: path)
                guard case .object? = fields["input_schema"] else {
                    throw APIError.invalidRequest("\(path).input_schema: Field required (an object)",
                                                  param: "\(path).input_schema", code: "missing_required_parameter")
                }
                fields["parameters"] = fields.removeValue(forKey: "input_schema")
                fields.removeValue(forKey: "type")
                fields.removeValue(forKey: "cache_control")
                let definition = try ChatTools.parseFunction(fields, path: path,
                                                             known: ["name", "description", "parameters"])
                guard !definitions.contains(where: { $0.name == definition.name }) else {
                    throw APIError.invalidRequest("\(path).name: tool names must be unique", param: "\(path).name",
                                                  code: "invalid_value")
                }
                definitions.append(definition)
            }
        }
        var choice: ToolChoice = definitions.isEmpty ? .none : .auto
        var parallel = true
        if let value = try reader.value("tool_choice"), value != .null {
            guard case .object(let fields) = value else {
                throw CompletionFieldReader.wrongType("tool_choice", expected: "an object", sent: value.typeName)
            }
            try checkKeys(fields, ["type", "name", "disable_parallel_tool_use"], path: "tool_choice")
            switch fields["disable_parallel_tool_use"] {
            case nil, .null?: break
            case .bool(let disabled)?: parallel = !disabled
            case let other?:
                throw CompletionFieldReader.wrongType("tool_choice.disable_parallel_tool_use", expected: "a boolean",
                                                      sent: other.typeName)
            }
            switch fields["type"] {
            case .string("auto")?: choice = .auto
            case .string("any")?: choice = .required
            case .string("none")?: choice = .none
            case .string("tool")?:
                let name = try string(fields["name"], path: "tool_choice.name")
                guard definitions.contains(where: { $0.name == name }) else {
                    throw APIError.invalidRequest("tool_choice.name: no tool named '\(name.prefix(80))' is among the tools",
                                                  param: "tool_choice.name", code: "invalid_value")
                }
                choice = .function(name)
            case .string(let type)?:
                throw APIError.invalidRequest(
                    "tool_choice.type: Input should be 'auto', 'any', 'tool' or 'none', not '\(type.prefix(40))'",
                    param: "tool_choice.type", code: "invalid_value")
            default:
                throw APIError.invalidRequest("tool_choice.type: Field required", param: "tool_choice.type",
                                              code: "missing_required_parameter")
            }
            if fields["name"] != nil, fields["type"] != .string("tool") {
                throw APIError.invalidRequest("tool_choice.name: only allowed with type 'tool'",
                                              param: "tool_choice.name")
            }
            if definitions.isEmpty, choice != .none {
                throw APIError.invalidRequest("tool_choice: requires tools", param: "tool_choice",
                                              code: "invalid_value")
            }
        }
        guard !definitions.isEmpty else { return nil }
        definitions = RequestBodyOrder.ordered(definitions, body: reader.body) {
            [.key("tools"), .index($0), .key("input_schema")]
        }
        return ToolUse(tools: definitions, choice: choice, parallel: parallel, format: .forModel(model))
    }
}

/// The body of `POST /v1/messages/count_tokens`: the conversation, system prompt and tools of a Messages request,
/// without `max_tokens` or sampling fields.
public struct AnthropicCountTokensRequest: Decodable, Sendable {
    public let request: AnthropicMessagesRequest

    public init(from decoder: any Decoder) throws {
        request = try AnthropicMessagesRequest(from: decoder, countOnly: true)
    }
}
