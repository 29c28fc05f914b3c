import Foundation
import GatewayCore

/// OpenAI's `response_format` on chat completions: `{"type": "text"}` (no constraint), `{"type": "json_object"}`
/// (any JSON object) or `{"type": "json_schema", "json_schema": {name, schema, strict, description}}` (a document
/// valid against the schema). Whether the schema's keywords are supported is decided by the engine's grammar
/// compiler, which names what it refuses.
enum ResponseFormat {
    /// Longest `json_schema.name`, as OpenAI allows.
    static let maxNameLength = 64

    static func grammar(_ value: CompletionJSONValue?) throws -> OutputGrammar? {
        guard let value, value != .null else { return nil }
        guard case .object(let object) = value else {
            throw CompletionFieldReader.wrongType("response_format", expected: "an object", sent: value.typeName)
        }
        guard case .string(let type)? = object["type"] else {
            throw APIError.invalidRequest("Missing required parameter: 'response_format.type'.",
                                          param: "response_format.type", code: "missing_required_parameter")
        }
        let allowed: Set<String> = type == "json_schema" ? ["type", "json_schema"] : ["type"]
        if let unknown = object.keys.sorted().first(where: { !allowed.contains($0) }) {
            throw APIError.invalidRequest("Unrecognized request argument supplied: response_format.\(unknown)",
                                          param: "response_format.\(unknown)")
        }
        switch type {
        case "text":
            return nil
        case "json_object":
            return .jsonObject
        case "json_schema":
            return try jsonSchema(object["json_schema"])
        default:
            throw APIError.invalidRequest(
                "Invalid value: '\(type)'. Supported values are: 'text', 'json_object' and 'json_schema'.",
                param: "response_format.type", code: "invalid_value")
        }
    }

    private static func jsonSchema(_ value: CompletionJSONValue?) throws -> OutputGrammar {
        let param = "response_format.json_schema"
        guard let value else {
            throw APIError.invalidRequest("Missing required parameter: '\(param)'.", param: param,
                                          code: "missing_required_parameter")
        }
        guard case .object(let object) = value else {
            throw CompletionFieldReader.wrongType(param, expected: "an object", sent: value.typeName)
        }
        let known: Set<String> = ["name", "schema", "strict", "description"]
        if let unknown = object.keys.sorted().first(where: { !known.contains($0) }) {
            throw APIError.invalidRequest("Unrecognized request argument supplied: \(param).\(unknown)",
                                          param: "\(param).\(unknown)")
        }
        guard case .string(let name)? = object["name"] else {
            throw APIError.invalidRequest("Missing required parameter: '\(param).name'.", param: "\(param).name",
                                          code: "missing_required_parameter")
        }
        let nameCharacters = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "_-"))
        guard (1...maxNameLength).contains(name.count), name.unicodeScalars.allSatisfy({
            $0.isASCII && nameCharacters.contains($0)
        }) else {
            throw APIError.invalidRequest(
                "Invalid '\(param).name': it must be 1 to \(maxNameLength) letters, digits, underscores or dashes.",
                param: "\(param).name", code: "invalid_value")
        }
        switch object["strict"] {
        case nil, .null?, .bool?: break
        case let other?: throw CompletionFieldReader.wrongType("\(param).strict", expected: "a boolean",
                                                              sent: other.typeName)
        }
        switch object["description"] {
        case nil, .null?, .string?: break
        case let other?: throw CompletionFieldReader.wrongType("\(param).description", expected: "a string",
                                                              sent: other.typeName)
        }
        switch object["schema"] {
        case nil, .null?:
            // No schema: any JSON value, as a schema of `{}` allows.
            return .jsonSchema("{}")
        case .object(let schema)?:
            let data = try JSONSerialization.data(withJSONObject: foundation(.object(schema)), options: [.sortedKeys])
            return .jsonSchema(String(decoding: data, as: UTF8.self))
        case let other?:
            throw CompletionFieldReader.wrongType("\(param).schema", expected: "an object", sent: other.typeName)
        }
    }

    /// The extension fields vLLM's clients send (`guided_json`, `guided_regex`, `guided_choice`, `guided_grammar`, a
    /// Lark grammar): at most one of them, and not beside a `response_format` other than text.
    /// Returns the grammar and the field that set it.
    static func guided(_ reader: CompletionFieldReader, responseFormat: OutputGrammar?) throws
        -> (grammar: OutputGrammar, param: String)?
    {
        var found: [(String, OutputGrammar)] = []
        if let schema = try reader.value("guided_json"), schema != .null {
            switch schema {
            case .object:
                let data = try JSONSerialization.data(withJSONObject: foundation(schema), options: [.sortedKeys])
                found.append(("guided_json", .jsonSchema(String(decoding: data, as: UTF8.self))))
            case .string(let text):
                found.append(("guided_json", .jsonSchema(text)))
            default:
                throw CompletionFieldReader.wrongType("guided_json", expected: "an object or a string",
                                                      sent: schema.typeName)
            }
        }
        if let pattern = try reader.optional(String.self, "guided_regex") {
            found.append(("guided_regex", .regex(pattern)))
        }
        if let grammar = try reader.optional(String.self, "guided_grammar") {
            found.append(("guided_grammar", .lark(grammar)))
        }
        if let choices = try reader.optional([String].self, "guided_choice") {
            guard !choices.isEmpty, choices.allSatisfy({ !$0.isEmpty }) else {
                throw APIError.invalidRequest("Invalid 'guided_choice': a non-empty array of non-empty strings.",
                                              param: "guided_choice", code: "invalid_value")
            }
            found.append(("guided_choice", .lark("start: " + choices.map(larkLiteral).joined(separator: " | "))))
        }
        if found.count > 1 || (responseFormat != nil && !found.isEmpty) {
            let names = (responseFormat == nil ? [] : ["response_format"]) + found.map(\.0)
            throw APIError.invalidRequest(
                "Send one output constraint, not \(names.joined(separator: " and ")).", param: names.last,
                code: "invalid_value")
        }
        if let (param, grammar) = found.first { return (grammar, param) }
        return responseFormat.map { ($0, "response_format") }
    }

    /// `text` as a Lark string literal (JSON's escaping, which Lark reads).
    static func larkLiteral(_ text: String) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: [text], options: [.withoutEscapingSlashes])) ?? Data()
        let array = String(decoding: data, as: UTF8.self)
        return String(array.dropFirst().dropLast())
    }

    /// The value as Foundation objects, for `JSONSerialization` (integral numbers stay integers).
    static func foundation(_ value: CompletionJSONValue) -> Any {
        switch value {
        case .null: NSNull()
        case .bool(let bool): bool
        case .number(let number):
            number.rounded() == number && abs(number) < 9e15 ? Int(number) as Any : number as Any
        case .string(let string): string
        case .array(let items): items.map(foundation)
        case .object(let object): object.mapValues(foundation)
        }
    }
}
