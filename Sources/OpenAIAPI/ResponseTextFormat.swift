import Foundation
import GatewayCore

/// The Responses API's `text`: `{format: {type: "text"}}` (no constraint), `{format: {type: "json_object"}}` (any
/// JSON object) or `{format: {type: "json_schema", name, schema, strict?, description?}}` (a document valid against
/// the schema), and `verbosity` only as null or `medium`.
public enum ResponseTextFormat: Sendable, Equatable {
    case text
    case jsonObject
    /// The schema as compact JSON text with sorted keys.
    case jsonSchema(name: String, schema: String, strict: Bool?, description: String?)

    /// The grammar the output must follow; nil for plain text.
    public var grammar: OutputGrammar? {
        switch self {
        case .text: nil
        case .jsonObject: .jsonObject
        case .jsonSchema(_, let schema, _, _): .jsonSchema(schema)
        }
    }

    static func parse(_ value: CompletionJSONValue?) throws -> ResponseTextFormat {
        guard let value, value != .null else { return .text }
        guard case .object(let text) = value else {
            throw CompletionFieldReader.wrongType("text", expected: "an object", sent: value.typeName)
        }
        if let unknown = text.keys.sorted().first(where: { $0 != "format" && $0 != "verbosity" }) {
            throw APIError.invalidRequest("Unrecognized request argument supplied: text.\(unknown.prefix(80))",
                                          param: "text.\(unknown)")
        }
        switch text["verbosity"] {
        case nil, .null?, .string("medium")?: break
        case .string?:
            throw APIError.invalidRequest(
                "Unsupported parameter: 'text.verbosity' is not supported by this server; only null or \"medium\" "
                    + "is accepted.",
                param: "text.verbosity", code: "unsupported_parameter")
        case let other?:
            throw CompletionFieldReader.wrongType("text.verbosity", expected: "a string", sent: other.typeName)
        }
        return try format(text["format"])
    }

    private static func format(_ value: CompletionJSONValue?) throws -> ResponseTextFormat {
        let param = "text.format"
        guard let value, value != .null else { return .text }
        guard case .object(let format) = value else {
            throw CompletionFieldReader.wrongType(param, expected: "an object", sent: value.typeName)
        }
        let type: String
        switch format["type"] {
        case .string(let text)?: type = text
        case nil, .null?:
            throw APIError.invalidRequest("Missing required parameter: '\(param).type'.", param: "\(param).type",
                                          code: "missing_required_parameter")
        case let other?:
            throw CompletionFieldReader.wrongType("\(param).type", expected: "a string", sent: other.typeName)
        }
        let known: Set<String> = type == "json_schema" ? ["type", "name", "schema", "strict", "description"] : ["type"]
        if let unknown = format.keys.sorted().first(where: { !known.contains($0) }) {
            throw APIError.invalidRequest("Unrecognized request argument supplied: \(param).\(unknown.prefix(80))",
                                          param: "\(param).\(unknown)")
        }
        switch type {
        case "text": return .text
        case "json_object": return .jsonObject
        case "json_schema": break
        default:
            throw APIError.invalidRequest(
                "Invalid value: '\(type.prefix(80))'. Supported values are: 'text', 'json_object' and 'json_schema'.",
                param: "\(param).type", code: "invalid_value")
        }
        let name: String
        switch format["name"] {
        case .string(let text)?: name = text
        case nil, .null?:
            throw APIError.invalidRequest("Missing required parameter: '\(param).name'.", param: "\(param).name",
                                          code: "missing_required_parameter")
        case let other?:
            throw CompletionFieldReader.wrongType("\(param).name", expected: "a string", sent: other.typeName)
        }
        guard ToolDefinition.isValidName(name) else {
            throw APIError.invalidRequest(
                "Invalid '\(param).name': it must be 1 to \(ResponseFormat.maxNameLength) letters, digits, "
                    + "underscores or dashes.",
                param: "\(param).name", code: "invalid_value")
        }
        var strict: Bool?
        switch format["strict"] {
        case nil, .null?: break
        case .bool(let value)?: strict = value
        case let other?:
            throw CompletionFieldReader.wrongType("\(param).strict", expected: "a boolean", sent: other.typeName)
        }
        var description: String?
        switch format["description"] {
        case nil, .null?: break
        case .string(let text)?: description = text
        case let other?:
            throw CompletionFieldReader.wrongType("\(param).description", expected: "a string", sent: other.typeName)
        }
        switch format["schema"] {
        case .object(let schema)?:
            let data = try JSONSerialization.data(withJSONObject: ResponseFormat.foundation(.object(schema)),
                                                  options: [.sortedKeys, .withoutEscapingSlashes])
            return .jsonSchema(name: name, schema: String(decoding: data, as: UTF8.self), strict: strict,
                               description: description)
        case nil, .null?:
            throw APIError.invalidRequest("Missing required parameter: '\(param).schema'.", param: "\(param).schema",
                                          code: "missing_required_parameter")
        case let other?:
            throw CompletionFieldReader.wrongType("\(param).schema", expected: "an object", sent: other.typeName)
        }
    }

    /// The `text` object a response echoes: `{"format":{…},"verbosity":"medium"}`.
    func write(into writer: inout CompletionJSONWriter) {
        writer.raw(#"{"format":"#)
        switch self {
        case .text:
            writer.raw(#"{"type":"text"}"#)
        case .jsonObject:
            writer.raw(#"{"type":"json_object"}"#)
        case .jsonSchema(let name, let schema, let strict, let description):
            writer.raw(#"{"type":"json_schema","name":"#)
            writer.string(name)
            writer.raw(#","schema":"#)
            writer.raw(schema)
            writer.raw(#","description":"#)
            writer.stringOrNull(description)
            writer.raw(#","strict":"#)
            writer.raw(strict.map { $0 ? "true" : "false" } ?? "null")
            writer.raw("}")
        }
        writer.raw(#","verbosity":"medium"}"#)
    }
}
