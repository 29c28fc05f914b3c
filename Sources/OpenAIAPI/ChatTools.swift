import Foundation
import GatewayCore

/// OpenAI's tool fields on chat completions: `tools` (functions with a JSON-schema `parameters` and `strict`),
/// `tool_choice` (`none`, `auto`, `required` or `{"type":"function","function":{"name":…}}`) and
/// `parallel_tool_calls`. Calls are always held to their schema by the grammar, so `strict` is honoured whatever
/// its value.
enum ChatTools {
    /// Most tools per request, as OpenAI allows.
    static let maxTools = 128

    static let fieldNames: Set<String> = ["tools", "tool_choice", "parallel_tool_calls"]

    /// The request's tools; nil when it sent none (and `tool_choice` is absent, null or `none`).
    static func parse(_ reader: CompletionFieldReader, model: String) throws -> ToolUse? {
        let tools = RequestBodyOrder.ordered(try parseTools(reader.value("tools"), param: "tools"), body: reader.body) {
            [.key("tools"), .index($0), .key("function"), .key("parameters")]
        }
        let parallel = try reader.optional(Bool.self, "parallel_tool_calls") ?? true
        let choice = try ToolChoiceField.parse(reader.value("tool_choice"), tools: tools, dialect: .chat)
        guard !tools.isEmpty else { return nil }
        return ToolUse(tools: tools, choice: choice, parallel: parallel, format: .forModel(model))
    }

    /// `tools`: at most 128 function definitions with distinct names.
    static func parseTools(_ value: CompletionJSONValue?, param: String) throws -> [ToolDefinition] {
        guard let value, value != .null else { return [] }
        guard case .array(let items) = value else {
            throw CompletionFieldReader.wrongType(param, expected: "an array", sent: value.typeName)
        }
        guard items.count <= maxTools else {
            throw APIError.invalidRequest("'\(param)' has \(items.count) tools; at most \(maxTools) are allowed.",
                                          param: param, code: "array_above_max_length")
        }
        var names: Set<String> = []
        return try items.enumerated().map { index, item in
            let path = "\(param)[\(index)]"
            guard case .object(let tool) = item else {
                throw CompletionFieldReader.wrongType(path, expected: "an object", sent: item.typeName)
            }
            if let unknown = tool.keys.sorted().first(where: { $0 != "type" && $0 != "function" }) {
                throw APIError.invalidRequest("Unrecognized request argument supplied: \(path).\(unknown)",
                                              param: "\(path).\(unknown)")
            }
            switch tool["type"] {
            case .string("function")?: break
            case nil, .null?:
                throw APIError.invalidRequest("Missing required parameter: '\(path).type'.", param: "\(path).type",
                                              code: "missing_required_parameter")
            case .string(let type)?:
                throw APIError.invalidRequest(
                    "Invalid value: '\(type)'. Supported values are: 'function'.", param: "\(path).type",
                    code: "invalid_value")
            case let other?:
                throw CompletionFieldReader.wrongType("\(path).type", expected: "a string", sent: other.typeName)
            }
            guard case .object(let function)? = tool["function"] else {
                throw APIError.invalidRequest("Missing required parameter: '\(path).function'.",
                                              param: "\(path).function", code: "missing_required_parameter")
            }
            let definition = try parseFunction(function, path: "\(path).function",
                                               known: ["name", "description", "parameters", "strict"])
            guard names.insert(definition.name).inserted else {
                throw APIError.invalidRequest(
                    "Invalid '\(path).function.name': the function name '\(definition.name)' is used by two tools.",
                    param: "\(path).function.name", code: "invalid_value")
            }
            return definition
        }
    }

    /// A function definition `{name, description, parameters, strict}` (the Responses API's flat tools add
    /// `type`, which the caller has checked and lists in `known`).
    static func parseFunction(_ function: [String: CompletionJSONValue], path: String, known: Set<String>) throws
        -> ToolDefinition
    {
        if let unknown = function.keys.sorted().first(where: { !known.contains($0) }) {
            throw APIError.invalidRequest("Unrecognized request argument supplied: \(path).\(unknown)",
                                          param: "\(path).\(unknown)")
        }
        let name: String
        switch function["name"] {
        case .string(let text)?: name = text
        case nil, .null?:
            throw APIError.invalidRequest("Missing required parameter: '\(path).name'.", param: "\(path).name",
                                          code: "missing_required_parameter")
        case let other?:
            throw CompletionFieldReader.wrongType("\(path).name", expected: "a string", sent: other.typeName)
        }
        guard ToolDefinition.isValidName(name) else {
            throw APIError.invalidRequest(
                "Invalid '\(path).name': '\(name.prefix(80))' does not match '^[a-zA-Z0-9_-]{1,64}$'.",
                param: "\(path).name", code: "invalid_value")
        }
        var description: String?
        switch function["description"] {
        case nil, .null?: break
        case .string(let text)?: description = text
        case let other?:
            throw CompletionFieldReader.wrongType("\(path).description", expected: "a string", sent: other.typeName)
        }
        switch function["strict"] {
        case nil, .null?, .bool?: break
        case let other?:
            throw CompletionFieldReader.wrongType("\(path).strict", expected: "a boolean", sent: other.typeName)
        }
        var parameters = #"{"properties":{},"type":"object"}"#
        switch function["parameters"] {
        case nil, .null?: break
        case .object(let schema)?:
            let data = try JSONSerialization.data(withJSONObject: ResponseFormat.foundation(.object(schema)),
                                                  options: [.sortedKeys])
            parameters = String(decoding: data, as: UTF8.self)
        case let other?:
            throw CompletionFieldReader.wrongType("\(path).parameters", expected: "an object", sent: other.typeName)
        }
        return ToolDefinition(name: name, description: description, parameters: parameters)
    }
}
