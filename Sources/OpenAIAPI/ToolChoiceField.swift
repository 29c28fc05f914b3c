import GatewayCore

/// `tool_choice` as OpenAI's two APIs send it: a mode (`none`, `auto`, `required`) or one named function, nested
/// on chat completions (`{"type":"function","function":{"name":…}}`) and flat on the Responses API
/// (`{"type":"function","name":…}`). One reading for both, so both refuse the same mistakes the same way.
enum ToolChoiceField {
    enum Dialect {
        /// Chat completions: the default is `auto` with tools and `none` without, and `auto` needs tools.
        case chat
        /// The Responses API: the default is `auto`, which stands without tools (it then means no call).
        case responses
    }

    static func parse(_ value: CompletionJSONValue?, tools: [ToolDefinition], dialect: Dialect,
                      param: String = "tool_choice") throws -> ToolChoice
    {
        let choice: ToolChoice
        switch value {
        case nil, .null?:
            return dialect == .chat && tools.isEmpty ? .none : .auto
        case .string("none")?:
            return .none
        case .string("auto")?:
            if dialect == .responses { return .auto }
            choice = .auto
        case .string("required")?:
            choice = .required
        case .string(let mode)?:
            throw APIError.invalidRequest(
                "Invalid value: '\(mode.prefix(80))'. Supported values are: 'none', 'auto' and 'required', or an "
                    + "object naming a function.",
                param: param, code: "invalid_value")
        case .object(let object)?:
            choice = .function(try functionName(object, dialect: dialect, param: param))
        case let other?:
            throw CompletionFieldReader.wrongType(param, expected: "a string or an object", sent: other.typeName)
        }
        if tools.isEmpty {
            throw APIError.invalidRequest(
                "Invalid value for '\(param)': this choice is only allowed when 'tools' are specified.", param: param,
                code: "invalid_value")
        }
        if case .function(let name) = choice, !tools.contains(where: { $0.name == name }) {
            throw APIError.invalidRequest(
                "Invalid value for '\(param)': no function named '\(name.prefix(80))' is among the tools.",
                param: param, code: "invalid_value")
        }
        return choice
    }

    /// The function an object choice names, after checking its keys and `type`.
    private static func functionName(_ object: [String: CompletionJSONValue], dialect: Dialect, param: String) throws
        -> String
    {
        let nameKey = dialect == .chat ? "function" : "name"
        if let unknown = object.keys.sorted().first(where: { $0 != "type" && $0 != nameKey }) {
            throw APIError.invalidRequest("Unrecognized request argument supplied: \(param).\(unknown.prefix(80))",
                                          param: "\(param).\(unknown.prefix(80))")
        }
        switch object["type"] {
        case .string("function")?: break
        case nil, .null?:
            throw APIError.invalidRequest("Missing required parameter: '\(param).type'.",
                                          param: "\(param).type", code: "missing_required_parameter")
        case .string(let type)?:
            throw APIError.invalidRequest(
                "Unsupported value: a '\(param)' of type '\(type.prefix(80))' is not supported by this server; only "
                    + "'function' is accepted.",
                param: "\(param).type", code: "unsupported_value")
        case let other?:
            throw CompletionFieldReader.wrongType("\(param).type", expected: "a string", sent: other.typeName)
        }
        var holder = object
        var namePath = "\(param).name"
        if dialect == .chat {
            namePath = "\(param).function.name"
            switch object["function"] {
            case .object(let function)?:
                if let unknown = function.keys.sorted().first(where: { $0 != "name" }) {
                    throw APIError.invalidRequest(
                        "Unrecognized request argument supplied: \(param).function.\(unknown.prefix(80))",
                        param: "\(param).function.\(unknown.prefix(80))")
                }
                holder = function
            case nil, .null?:
                throw APIError.invalidRequest("Missing required parameter: '\(namePath)'.", param: namePath,
                                              code: "missing_required_parameter")
            case let other?:
                throw CompletionFieldReader.wrongType("\(param).function", expected: "an object", sent: other.typeName)
            }
        }
        switch holder["name"] {
        case .string(let name)?: return name
        case nil, .null?:
            throw APIError.invalidRequest("Missing required parameter: '\(namePath)'.", param: namePath,
                                          code: "missing_required_parameter")
        case let other?:
            throw CompletionFieldReader.wrongType(namePath, expected: "a string", sent: other.typeName)
        }
    }
}
