import GatewayCore

/// The Responses API's `input`: a string (one user message) or an array of items, each a message
/// (`{type?: "message", role, content}`, content a string or `input_text`/`output_text` parts), a function call the
/// model made (`{type: "function_call", call_id, name, arguments}`) or a function's result
/// (`{type: "function_call_output", call_id, output}`). Items the Responses API returns (`id`, `status`,
/// `annotations`, `logprobs`) are accepted, so a response's `output` can be sent back as input. Every refusal names
/// the field at fault (`input[2].content[0].type`).
enum ResponsesInput {
    /// The conversation the items stand for: function calls join the assistant message before them (or a new one),
    /// outputs become `tool` messages; `developer` is `system`.
    static func parse(_ value: CompletionJSONValue) throws -> [PromptMessage] {
        switch value {
        case .string(let text):
            return [PromptMessage(role: .user, content: text)]
        case .array(let items):
            guard !items.isEmpty else {
                throw APIError.invalidRequest(
                    "Invalid 'input': empty array. Expected an array with minimum length 1, but got an empty array "
                        + "instead.",
                    param: "input", code: "empty_array")
            }
            var messages: [PromptMessage] = []
            for (index, item) in items.enumerated() {
                try append(item, path: "input[\(index)]", to: &messages)
            }
            return messages
        default:
            throw CompletionFieldReader.wrongType("input", expected: "a string or an array of input items",
                                                  sent: value.typeName)
        }
    }

    private static func append(_ value: CompletionJSONValue, path: String, to messages: inout [PromptMessage])
        throws
    {
        guard case .object(let fields) = value else {
            throw CompletionFieldReader.wrongType(path, expected: "an object", sent: value.typeName)
        }
        let type: String
        switch fields["type"] {
        case nil, .null?: type = "message"
        case .string(let text)?: type = text
        case let other?:
            throw CompletionFieldReader.wrongType("\(path).type", expected: "a string", sent: other.typeName)
        }
        switch type {
        case "message":
            messages.append(try message(fields, path: path))
        case "function_call":
            try refuseUnknown(fields, known: ["type", "call_id", "name", "arguments", "id", "status"], path: path)
            try checkCommon(fields, path: path)
            let name = try string(fields["name"], path: "\(path).name")
            guard ToolDefinition.isValidName(name) else {
                throw APIError.invalidRequest(
                    "Invalid '\(path).name': '\(name.prefix(80))' does not match '^[a-zA-Z0-9_-]{1,64}$'.",
                    param: "\(path).name", code: "invalid_value")
            }
            let call = ToolCall(id: try string(fields["call_id"], path: "\(path).call_id"), name: name,
                                arguments: try string(fields["arguments"], path: "\(path).arguments"))
            if let last = messages.indices.last, messages[last].role == .assistant {
                messages[last].toolCalls.append(call)
            } else {
                messages.append(PromptMessage(role: .assistant, content: "", toolCalls: [call]))
            }
        case "function_call_output":
            try refuseUnknown(fields, known: ["type", "call_id", "output", "id", "status"], path: path)
            try checkCommon(fields, path: path)
            let callID = try string(fields["call_id"], path: "\(path).call_id")
            let output: String
            switch fields["output"] {
            case .array(let parts)?:
                output = try parts.enumerated().map { try text(part: $1, path: "\(path).output[\($0)]") }.joined()
            default:
                output = try string(fields["output"], path: "\(path).output")
            }
            messages.append(PromptMessage(role: .tool, content: output, toolCallID: callID))
        default:
            throw APIError.invalidRequest(
                "Unsupported value: input items of type '\(type.prefix(80))' are not supported by this server; "
                    + "only 'message', 'function_call' and 'function_call_output' are accepted.",
                param: "\(path).type", code: "unsupported_value")
        }
    }

    private static func message(_ fields: [String: CompletionJSONValue], path: String) throws -> PromptMessage {
        try refuseUnknown(fields, known: ["type", "role", "content", "id", "status", "phase"], path: path)
        try checkCommon(fields, path: path)
        switch fields["phase"] {
        case nil, .null?, .string("commentary")?, .string("final_answer")?: break
        case .string(let phase)?:
            throw APIError.invalidRequest(
                "Invalid value: '\(phase.prefix(80))'. Supported values are: 'commentary' and 'final_answer'.",
                param: "\(path).phase", code: "invalid_value")
        case let other?:
            throw CompletionFieldReader.wrongType("\(path).phase", expected: "a string", sent: other.typeName)
        }
        let role: PromptMessage.Role
        switch fields["role"] {
        case nil, .null?:
            throw APIError.invalidRequest("Missing required parameter: '\(path).role'.", param: "\(path).role",
                                          code: "missing_required_parameter")
        case .string("user")?: role = .user
        case .string("assistant")?: role = .assistant
        case .string("system")?, .string("developer")?: role = .system
        case .string(let other)?:
            throw APIError.invalidRequest(
                "Invalid value: '\(other.prefix(80))'. Supported values are: 'user', 'assistant', 'system' and "
                    + "'developer'.",
                param: "\(path).role", code: "invalid_value")
        case let other?:
            throw CompletionFieldReader.wrongType("\(path).role", expected: "a string", sent: other.typeName)
        }
        let content: String
        switch fields["content"] {
        case nil, .null?:
            throw APIError.invalidRequest("Missing required parameter: '\(path).content'.", param: "\(path).content",
                                          code: "missing_required_parameter")
        case .string(let text)?:
            content = text
        case .array(let parts)?:
            content = try parts.enumerated().map { try text(part: $1, path: "\(path).content[\($0)]") }.joined()
        case let other?:
            throw CompletionFieldReader.wrongType("\(path).content", expected: "a string or an array of content parts",
                                                  sent: other.typeName)
        }
        return PromptMessage(role: role, content: content)
    }

    /// One content part: `{type: "input_text" | "output_text", text}`, with the `annotations` and `logprobs` of an
    /// output part accepted (and not used).
    private static func text(part value: CompletionJSONValue, path: String) throws -> String {
        guard case .object(let fields) = value else {
            throw CompletionFieldReader.wrongType(path, expected: "an object", sent: value.typeName)
        }
        switch fields["type"] {
        case nil, .null?:
            throw APIError.invalidRequest("Missing required parameter: '\(path).type'.", param: "\(path).type",
                                          code: "missing_required_parameter")
        case .string("input_text")?, .string("output_text")?:
            try refuseUnknown(fields, known: ["type", "text", "annotations", "logprobs"], path: path)
            for key in ["annotations", "logprobs"] {
                switch fields[key] {
                case nil, .null?, .array?: break
                case let other?:
                    throw CompletionFieldReader.wrongType("\(path).\(key)", expected: "an array", sent: other.typeName)
                }
            }
        case .string(let type)?:
            throw APIError.invalidRequest(
                "Unsupported value: content parts of type '\(type.prefix(80))' are not supported by this server; "
                    + "only 'input_text' and 'output_text' parts are accepted.",
                param: "\(path).type", code: "unsupported_value")
        case let other?:
            throw CompletionFieldReader.wrongType("\(path).type", expected: "a string", sent: other.typeName)
        }
        return try string(fields["text"], path: "\(path).text")
    }

    /// `id` (a string) and `status` (`in_progress`, `completed` or `incomplete`), which items sent back carry.
    private static func checkCommon(_ fields: [String: CompletionJSONValue], path: String) throws {
        switch fields["id"] {
        case nil, .null?, .string?: break
        case let other?: throw CompletionFieldReader.wrongType("\(path).id", expected: "a string", sent: other.typeName)
        }
        switch fields["status"] {
        case nil, .null?, .string("in_progress")?, .string("completed")?, .string("incomplete")?: break
        case .string(let status)?:
            throw APIError.invalidRequest(
                "Invalid value: '\(status.prefix(80))'. Supported values are: 'in_progress', 'completed' and "
                    + "'incomplete'.",
                param: "\(path).status", code: "invalid_value")
        case let other?:
            throw CompletionFieldReader.wrongType("\(path).status", expected: "a string", sent: other.typeName)
        }
    }

    private static func refuseUnknown(_ fields: [String: CompletionJSONValue], known: Set<String>, path: String)
        throws
    {
        if let unknown = fields.keys.sorted().first(where: { !known.contains($0) }) {
            throw APIError.invalidRequest("Unrecognized request argument supplied: \(path).\(unknown.prefix(80))",
                                          param: "\(path).\(unknown)")
        }
    }

    private static func string(_ value: CompletionJSONValue?, path: String) throws -> String {
        switch value {
        case nil, .null?:
            throw APIError.invalidRequest("Missing required parameter: '\(path)'.", param: path,
                                          code: "missing_required_parameter")
        case .string(let text)?: return text
        case let other?: throw CompletionFieldReader.wrongType(path, expected: "a string", sent: other.typeName)
        }
    }
}
