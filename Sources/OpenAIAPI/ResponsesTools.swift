import GatewayCore

/// One of the Responses API's flat function tools, `{type: "function", name, description, parameters, strict}`, as
/// the response echoes it.
public struct ResponseFunctionTool: Sendable, Equatable {
    public var definition: ToolDefinition
    /// As sent; true when absent (the Responses API's default). Calls follow the schema either way.
    public var strict: Bool

    public init(definition: ToolDefinition, strict: Bool = true) {
        self.definition = definition
        self.strict = strict
    }
}

/// The Responses API's `tools` (flat function tools only; built-in tools are refused by type) and `tool_choice`
/// (`none`, `auto`, `required` or `{type: "function", name}`).
enum ResponsesTools {
    static func parseTools(_ value: CompletionJSONValue?) throws -> [ResponseFunctionTool] {
        guard let value, value != .null else { return [] }
        guard case .array(let items) = value else {
            throw CompletionFieldReader.wrongType("tools", expected: "an array", sent: value.typeName)
        }
        guard items.count <= ChatTools.maxTools else {
            throw APIError.invalidRequest(
                "'tools' has \(items.count) tools; at most \(ChatTools.maxTools) are allowed.", param: "tools",
                code: "array_above_max_length")
        }
        var names: Set<String> = []
        return try items.enumerated().map { index, item in
            let path = "tools[\(index)]"
            guard case .object(let tool) = item else {
                throw CompletionFieldReader.wrongType(path, expected: "an object", sent: item.typeName)
            }
            switch tool["type"] {
            case .string("function")?: break
            case nil, .null?:
                throw APIError.invalidRequest("Missing required parameter: '\(path).type'.", param: "\(path).type",
                                              code: "missing_required_parameter")
            case .string(let type)?:
                throw APIError.invalidRequest(
                    "Unsupported value: tools of type '\(type.prefix(80))' are not supported by this server; only "
                        + "'function' tools are accepted.",
                    param: "\(path).type", code: "unsupported_value")
            case let other?:
                throw CompletionFieldReader.wrongType("\(path).type", expected: "a string", sent: other.typeName)
            }
            let definition = try ChatTools.parseFunction(
                tool, path: path, known: ["type", "name", "description", "parameters", "strict"])
            guard names.insert(definition.name).inserted else {
                throw APIError.invalidRequest(
                    "Invalid '\(path).name': the function name '\(definition.name)' is used by two tools.",
                    param: "\(path).name", code: "invalid_value")
            }
            var strict = true
            if case .bool(let value)? = tool["strict"] { strict = value }
            return ResponseFunctionTool(definition: definition, strict: strict)
        }
    }
}
