import GatewayCore

extension ChatMessage {
    /// Fields every message may carry.
    private static let commonFields: Set<String> = ["role", "content", "name"]
    /// Fields only assistant messages may carry; accepted only with a neutral value (no tool calls, no audio).
    private static let assistantFields: Set<String> = ["tool_calls", "function_call", "refusal", "audio"]

    /// Validates `messages[index]` and reduces it to role and text; every refusal names the field at fault
    /// (`messages[2].content[0].type`).
    static func parse(_ value: CompletionJSONValue, index: Int) throws -> ChatMessage {
        let path = "messages[\(index)]"
        guard case .object(let fields) = value else {
            throw CompletionFieldReader.wrongType(path, expected: "an object", sent: value.typeName)
        }
        let role = try parseRole(fields["role"], path: path)
        let known = role == .assistant ? commonFields.union(assistantFields) : commonFields
        if let unknown = fields.keys.sorted().first(where: { !known.contains($0) }) {
            throw APIError.invalidRequest("Unrecognized request argument supplied: \(path).\(unknown)",
                                              param: "\(path).\(unknown)")
        }
        for field in assistantFields.sorted() {
            if let value = fields[field], !value.isNullOrEmpty {
                throw APIError.invalidRequest(
                    "Unsupported parameter: '\(path).\(field)' is not supported by this server (no tool calling, "
                        + "audio or refusals); only null is accepted.",
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
        let content = try parseContent(fields["content"], path: "\(path).content")
        return ChatMessage(role: role, content: content, name: name)
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
        case .string(let role)? where role == "tool" || role == "function":
            throw APIError.invalidRequest(
                "Unsupported value: messages with role '\(role)' are not supported by this server, which does not "
                    + "implement tool calling.",
                param: param, code: "unsupported_value")
        case .string(let role)?:
            throw APIError.invalidRequest(
                "Invalid value: '\(role)'. Supported values are: 'system', 'developer', 'user' and 'assistant'.",
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
