import GatewayCore

extension ChatMessage {
    /// Fields every message may carry.
    private static let commonFields: Set<String> = ["role", "content", "name"]
    /// Fields only assistant messages may carry; `function_call` (the deprecated form), `audio` and `refusal` only
    /// with a neutral value.
    private static let assistantFields: Set<String> = ["tool_calls", "function_call", "refusal", "audio"]
    private static let neutralAssistantFields = ["audio", "function_call", "refusal"]

    /// Validates `messages[index]` and reduces it to role, text and tool calls; every refusal names the field at
    /// fault (`messages[2].content[0].type`).
    static func parse(_ value: CompletionJSONValue, index: Int) throws -> ChatMessage {
        let path = "messages[\(index)]"
        guard case .object(let fields) = value else {
            throw CompletionFieldReader.wrongType(path, expected: "an object", sent: value.typeName)
        }
        let role = try parseRole(fields["role"], path: path)
        let known: Set<String> = switch role {
        case .assistant: commonFields.union(assistantFields)
        case .tool: ["role", "content", "tool_call_id"]
        default: commonFields
        }
        if let unknown = fields.keys.sorted().first(where: { !known.contains($0) }) {
            throw APIError.invalidRequest("Unrecognized request argument supplied: \(path).\(unknown)",
                                              param: "\(path).\(unknown)")
        }
        for field in neutralAssistantFields {
            if let value = fields[field], !value.isNullOrEmpty {
                throw APIError.invalidRequest(
                    "Unsupported parameter: '\(path).\(field)' is not supported by this server (use 'tool_calls'); "
                        + "only null is accepted.",
                    param: "\(path).\(field)", code: "unsupported_parameter")
            }
        }
        let name: String?
        switch fields["name"] {
        case nil, .null?: name = nil
        case .string(let text)?: name = text
        case let other?:
            throw CompletionFieldReader.wrongType("\(path).name", expected: "a string", sent: other.typeName)
        }
        let toolCalls = role == .assistant ? try parseToolCalls(fields["tool_calls"], path: "\(path).tool_calls") : []
        // An assistant message that calls functions may have no content.
        let content: String
        if !toolCalls.isEmpty, fields["content"] == nil || fields["content"] == .null {
            content = ""
        } else {
            content = try parseContent(fields["content"], path: "\(path).content")
        }
        var toolCallID: String?
        if role == .tool {
            switch fields["tool_call_id"] {
            case nil, .null?:
                throw APIError.invalidRequest("Missing required parameter: '\(path).tool_call_id'",
                                              param: "\(path).tool_call_id", code: "missing_required_parameter")
            case .string(let id)?: toolCallID = id
            case let other?:
                throw CompletionFieldReader.wrongType("\(path).tool_call_id", expected: "a string",
                                                      sent: other.typeName)
            }
        }
        return ChatMessage(role: role, content: content, name: name, toolCalls: toolCalls, toolCallID: toolCallID)
    }

    /// An assistant message's `tool_calls`: `[{id, type: "function", function: {name, arguments}}]`.
    private static func parseToolCalls(_ value: CompletionJSONValue?, path: String) throws -> [ToolCall] {
        guard let value, value != .null else { return [] }
        guard case .array(let items) = value else {
            throw CompletionFieldReader.wrongType(path, expected: "an array", sent: value.typeName)
        }
        return try items.enumerated().map { index, item in
            let itemPath = "\(path)[\(index)]"
            guard case .object(let call) = item else {
                throw CompletionFieldReader.wrongType(itemPath, expected: "an object", sent: item.typeName)
            }
            if let unknown = call.keys.sorted().first(where: { !["id", "type", "function"].contains($0) }) {
                throw APIError.invalidRequest("Unrecognized request argument supplied: \(itemPath).\(unknown)",
                                              param: "\(itemPath).\(unknown)")
            }
            let id = try requiredString(call["id"], path: "\(itemPath).id")
            let type = try requiredString(call["type"], path: "\(itemPath).type")
            guard type == "function" else {
                throw APIError.invalidRequest("Invalid value: '\(type)'. Supported values are: 'function'.",
                                              param: "\(itemPath).type", code: "invalid_value")
            }
            guard case .object(let function)? = call["function"] else {
                throw APIError.invalidRequest("Missing required parameter: '\(itemPath).function'",
                                              param: "\(itemPath).function", code: "missing_required_parameter")
            }
            if let unknown = function.keys.sorted().first(where: { !["name", "arguments"].contains($0) }) {
                throw APIError.invalidRequest(
                    "Unrecognized request argument supplied: \(itemPath).function.\(unknown)",
                    param: "\(itemPath).function.\(unknown)")
            }
            let name = try requiredString(function["name"], path: "\(itemPath).function.name")
            let arguments = try requiredString(function["arguments"], path: "\(itemPath).function.arguments")
            return ToolCall(id: id, name: name, arguments: arguments)
        }
    }

    private static func requiredString(_ value: CompletionJSONValue?, path: String) throws -> String {
        switch value {
        case nil, .null?:
            throw APIError.invalidRequest("Missing required parameter: '\(path)'", param: path,
                                          code: "missing_required_parameter")
        case .string(let text)?: return text
        case let other?: throw CompletionFieldReader.wrongType(path, expected: "a string", sent: other.typeName)
        }
    }

    private static func parseRole(_ value: CompletionJSONValue?, path: String) throws -> Role {
        let param = "\(path).role"
        switch value {
        case nil:
            throw APIError.invalidRequest("Missing required parameter: '\(param)'", param: param,
                                              code: "missing_required_parameter")
        case .string("system")?, .string("developer")?: return .system
        case .string("user")?: return .user
        case .string("assistant")?: return .assistant
        case .string("tool")?: return .tool
        case .string("function")?:
            throw APIError.invalidRequest(
                "Unsupported value: messages with role 'function' (the deprecated form) are not supported; send "
                    + "the function's result as a message with role 'tool' and its 'tool_call_id'.",
                param: param, code: "unsupported_value")
        case .string(let role)?:
            throw APIError.invalidRequest(
                "Invalid value: '\(role)'. Supported values are: 'system', 'developer', 'user', 'assistant' and 'tool'.",
                param: param, code: "invalid_value")
        case let other?:
            throw CompletionFieldReader.wrongType(param, expected: "a string", sent: other.typeName)
        }
    }

    /// `content`: a string, or a non-empty array of `{type: "text", text}` parts joined with "".
    private static func parseContent(_ value: CompletionJSONValue?, path: String) throws -> String {
        switch value {
        case nil:
            throw APIError.invalidRequest("Missing required parameter: '\(path)'", param: path,
                                              code: "missing_required_parameter")
        case .string(let text)?:
            return text
        case .array(let parts)?:
            guard !parts.isEmpty else {
                throw APIError.invalidRequest("Invalid '\(path)': expected a non-empty array of content parts.",
                                                  param: path, code: "empty_array")
            }
            return try parts.enumerated().map { try parsePart($1, path: "\(path)[\($0)]") }.joined()
        case let other?:
            throw CompletionFieldReader.wrongType(path, expected: "a string or an array of content parts",
                                                  sent: other.typeName)
        }
    }

    private static func parsePart(_ value: CompletionJSONValue, path: String) throws -> String {
        guard case .object(let fields) = value else {
            throw CompletionFieldReader.wrongType(path, expected: "an object", sent: value.typeName)
        }
        switch fields["type"] {
        case nil:
            throw APIError.invalidRequest("Missing required parameter: '\(path).type'", param: "\(path).type",
                                              code: "missing_required_parameter")
        case .string("text")?:
            break
        case .string(let type)?:
            throw APIError.invalidRequest(
                "Unsupported value: content parts of type '\(type)' are not supported by this server; only 'text' "
                    + "parts are accepted.",
                param: "\(path).type", code: "unsupported_value")
        case let other?:
            throw CompletionFieldReader.wrongType("\(path).type", expected: "a string", sent: other.typeName)
        }
        if let unknown = fields.keys.sorted().first(where: { $0 != "type" && $0 != "text" }) {
            throw APIError.invalidRequest("Unrecognized request argument supplied: \(path).\(unknown)",
                                              param: "\(path).\(unknown)")
        }
        switch fields["text"] {
        case nil:
            throw APIError.invalidRequest("Missing required parameter: '\(path).text'", param: "\(path).text",
                                              code: "missing_required_parameter")
        case .string(let text)?:
            return text
        case let other?:
            throw CompletionFieldReader.wrongType("\(path).text", expected: "a string", sent: other.typeName)
        }
    }
}
