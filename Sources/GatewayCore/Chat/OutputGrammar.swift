import Foundation
import ONNXRuntime

/// A grammar a generation's output must follow, independent of the wire format: what OpenAI's `response_format`
/// (and, later, tool calls) ask for. The decode engine enforces it with llguidance.
public enum OutputGrammar: Sendable, Equatable {
    /// Any JSON object (`response_format: {"type": "json_object"}`).
    case jsonObject
    /// A JSON document valid against this JSON schema (its text).
    case jsonSchema(String)
    /// Text matching this regular expression.
    case regex(String)
    /// Text in this Lark grammar.
    case lark(String)

    /// llguidance's grammar. JSON is compact unless the schema says otherwise (llguidance's `x-guidance` options):
    /// with flexible whitespace a small model can fill its whole budget with blank lines between fields.
    var guidance: GuidanceGrammar {
        switch self {
        case .jsonObject: .jsonSchema(#"{"type":"object","x-guidance":{"whitespace_flexible":false}}"#)
        case .jsonSchema(let schema): .jsonSchema(Self.compact(schema))
        case .regex(let pattern): .regex(pattern)
        case .lark(let grammar): .lark(grammar)
        }
    }

    /// `schema` with `"x-guidance": {"whitespace_flexible": false}` added at the top when it has no `x-guidance`.
    static func compact(_ schema: String) -> String {
        guard var object = (try? JSONSerialization.jsonObject(with: Data(schema.utf8))) as? [String: Any],
              object["x-guidance"] == nil
        else { return schema }
        object["x-guidance"] = ["whitespace_flexible": false]
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) else {
            return schema
        }
        return String(decoding: data, as: UTF8.self)
    }
}
