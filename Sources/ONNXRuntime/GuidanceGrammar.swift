/// What a generation's output must match, as a client gave it: llguidance turns each into a grammar.
public enum GuidanceGrammar: Sendable, Equatable {
    /// A JSON schema, as JSON text (llguidance's supported subset; unsupported keywords are errors).
    case jsonSchema(String)
    /// Any JSON object (OpenAI's `json_object` response format): the schema `{"type":"object"}`.
    case jsonObject
    /// A regular expression (Rust `regex` syntax) the whole output must match.
    case regex(String)
    /// A grammar in llguidance's Lark dialect, starting at `start`.
    case lark(String)

    /// llguidance's `constraint_type` and `data` for `llg_new_matcher`.
    var tagged: (type: String, data: String) {
        switch self {
        case .jsonSchema(let schema): ("json_schema", schema)
        case .jsonObject: ("json_object", "")
        case .regex(let regex): ("regex", regex)
        case .lark(let grammar): ("lark", grammar)
        }
    }

    /// The grammar's kind in messages.
    var kindName: String {
        switch self {
        case .jsonSchema: "JSON schema"
        case .jsonObject: "JSON object"
        case .regex: "regex"
        case .lark: "Lark grammar"
        }
    }
}
