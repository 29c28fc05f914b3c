/// Any JSON value: what the completion requests read for fields that accept several shapes (`stop`, message
/// `content`) or only a neutral value (`tools: []`), and to name the type a client sent when it is the wrong one.
enum CompletionJSONValue: Decodable, Sendable, Equatable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([CompletionJSONValue])
    case object([String: CompletionJSONValue])

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([CompletionJSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: CompletionJSONValue].self))
        }
    }

    /// The value's JSON type as an error message names it ("a string", "null").
    var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .number: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }

    /// True for `null`, `{}` and `[]`: a field sent with one of these asks for nothing.
    var isNullOrEmpty: Bool {
        switch self {
        case .null: true
        case .array(let items): items.isEmpty
        case .object(let fields): fields.isEmpty
        default: false
        }
    }
}
