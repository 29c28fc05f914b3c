import Foundation

/// A function the model may call, independent of the wire format (OpenAI's chat `tools`, the Responses API's
/// flat function tools, Anthropic's `tools`).
public struct ToolDefinition: Sendable, Equatable {
    public var name: String
    public var description: String?
    /// The arguments' JSON schema as JSON text (an object schema).
    public var parameters: String

    public init(name: String, description: String? = nil, parameters: String = #"{"type":"object"}"#) {
        self.name = name
        self.description = description
        self.parameters = parameters
    }

    /// Letters, digits, `_` and `-`, 1 to 64 of them: what OpenAI and Anthropic accept as a function name. Names are
    /// written into grammars and prompts, so nothing else is let through.
    public static func isValidName(_ name: String) -> Bool {
        (1...64).contains(name.utf8.count) && name.utf8.allSatisfy {
            ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A) || $0 == 0x5F
                || $0 == 0x2D
        }
    }
}

/// Whether and which function the model must call.
public enum ToolChoice: Sendable, Equatable {
    /// Never a call: the output is text.
    case none
    /// The model chooses between text and calls.
    case auto
    /// At least one call.
    case required
    /// A call of this function.
    case function(String)
}

/// One function call the model made (or made earlier, in a conversation's history).
public struct ToolCall: Sendable, Equatable {
    public var id: String
    public var name: String
    /// The arguments as JSON text.
    public var arguments: String

    public init(id: String, name: String, arguments: String) {
        self.id = id
        self.name = name
        self.arguments = arguments
    }
}

/// One message of a conversation before the chat template: OpenAI's roles plus `tool` (a function's result), with
/// the calls an assistant message made.
public struct PromptMessage: Sendable, Equatable {
    public enum Role: String, Sendable {
        case system
        case user
        case assistant
        case tool
    }

    public var role: Role
    public var content: String
    /// The participant's name, handed to the template as Hugging Face hands it.
    public var name: String?
    /// Calls an assistant message made.
    public var toolCalls: [ToolCall]
    /// Which call a `tool` message answers.
    public var toolCallID: String?

    public init(role: Role, content: String, name: String? = nil, toolCalls: [ToolCall] = [],
                toolCallID: String? = nil) {
        self.role = role
        self.content = content
        self.name = name
        self.toolCalls = toolCalls
        self.toolCallID = toolCallID
    }
}

/// How a model family writes function calls and reads their results in plain text. The table has two entries:
/// - `toolCallTags`, the default: the `<tool_call>` JSON block of Hermes-, Qwen- and SmolLM3-style templates,
///   `<tool_call>\n{"name":"f","arguments":{…}}\n</tool_call>`, results in `<tool_response>` blocks in a user turn
///   (when the model's template does not render tools itself, a system block describes them);
/// - `jsonObject`, Llama 3.1-3.3's: the whole answer is one object `{"name":"f","parameters":{…}}`, one call per turn.
/// A model gets `jsonObject` only when its own template reads `tools` and describes that format
/// (`ModelChatTemplate`); every other model gets the default.
public struct ToolCallFormat: Sendable, Equatable {
    /// What opens a call (empty: the call is the bare JSON object, and output that starts with `{` is one).
    public var open: String
    /// What closes a call.
    public var close: String
    /// Between two calls.
    public var separator: String
    /// Around a function's result.
    public var resultOpen: String
    public var resultClose: String
    /// The key of the arguments in a call's object: `arguments`, or `parameters` for Llama.
    public var argumentsKey = "arguments"
    /// Whether several calls may follow one another in a turn.
    public var allowsParallel = true

    /// The table entry's name, as `/v1/models` shows it: `tool_call_tags` or `json_object`.
    public var name: String { open.isEmpty ? "json_object" : "tool_call_tags" }

    public static let toolCallTags = ToolCallFormat(
        open: "<tool_call>\n", close: "\n</tool_call>", separator: "\n", resultOpen: "<tool_response>\n",
        resultClose: "\n</tool_response>")

    /// Llama 3.1-3.3's custom tool calls: one bare JSON object with `parameters` (their templates refuse several
    /// calls in one turn, and render results in the `ipython` role themselves).
    public static let jsonObject = ToolCallFormat(
        open: "", close: "", separator: "", resultOpen: "", resultClose: "", argumentsKey: "parameters",
        allowsParallel: false)

    /// The format for a model (by its id or folder name) before its template is known: the default. A model whose
    /// own template renders tools replaces it with that template's (`ChatEngine.adapting`).
    public static func forModel(_ id: String) -> ToolCallFormat { toolCallTags }

    /// One call as the model writes it.
    public func render(_ call: ToolCall) -> String {
        open + #"{"name":"# + Self.jsonString(call.name) + "," + Self.jsonString(argumentsKey) + ":"
            + Self.compactJSON(call.arguments) + "}" + close
    }

    /// `text` as a JSON string literal.
    static func jsonString(_ text: String) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: [text], options: [.withoutEscapingSlashes])) ?? Data()
        return String(String(decoding: data, as: UTF8.self).dropFirst().dropLast())
    }

    /// JSON text re-written compactly (keys sorted); text that does not parse is kept as it is.
    static func compactJSON(_ text: String) -> String {
        guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed]),
              let data = try? JSONSerialization.data(
                withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes, .fragmentsAllowed])
        else { return text }
        return String(decoding: data, as: UTF8.self)
    }
}

/// The tools of one request, the choice among them, and the format the model writes calls in: renders the
/// conversation for a template that knows nothing of tools, and gives the grammar that holds the output to it.
public struct ToolUse: Sendable, Equatable {
    public var tools: [ToolDefinition]
    public var choice: ToolChoice
    /// Whether the model may make several calls in one turn (`parallel_tool_calls`).
    public var parallel: Bool
    public var format: ToolCallFormat

    public init(tools: [ToolDefinition], choice: ToolChoice, parallel: Bool = true,
                format: ToolCallFormat = .toolCallTags) {
        self.tools = tools
        self.choice = choice
        self.parallel = parallel
        self.format = format
    }

    /// Whether the output is read for calls (tools given, and a choice other than `none`).
    public var parsesCalls: Bool { !tools.isEmpty && choice != .none }

    /// The first stop string that would match inside the call markup (`"\n"` in `<tool_call>\n`), which would end every
    /// call before it began; nil when none does or calls are off.
    public func stopInsideMarkup(_ stops: [String]) -> String? {
        guard parsesCalls else { return nil }
        let markup = [format.open, format.close, format.separator]
        return stops.first { stop in !stop.isEmpty && markup.contains { $0.contains(stop) } }
    }

    /// The functions the model may call under the choice.
    var callable: [ToolDefinition] {
        switch choice {
        case .none: []
        case .auto, .required: tools
        case .function(let name): tools.filter { $0.name == name }
        }
    }

    /// The conversation with tools folded into plain messages, for any chat template:
    /// - when calls are allowed, a block describing the tools and how to call them ends the system message (one is
    ///   added first when the conversation has none);
    /// - an assistant message's calls are written after its text, in the model's format;
    /// - consecutive `tool` messages become one user message of result blocks.
    /// Under `tool_choice: none` the tools are not described, so the model answers in text.
    public func render(_ messages: [PromptMessage]) -> [PromptMessage] {
        Self.render(messages, format: format, systemBlock: parsesCalls ? systemBlock() : nil)
    }

    /// The history of a conversation without tools in this request (its calls and results still render).
    public static func render(_ messages: [PromptMessage], format: ToolCallFormat, systemBlock: String?)
        -> [PromptMessage]
    {
        var out: [PromptMessage] = []
        var lastWasResults = false
        for message in messages {
            switch message.role {
            case .tool:
                let block = format.resultOpen + message.content + format.resultClose
                if lastWasResults, !out.isEmpty {
                    out[out.count - 1].content += format.separator + block
                } else {
                    out.append(PromptMessage(role: .user, content: block))
                }
                lastWasResults = true
                continue
            case .user where lastWasResults && !out.isEmpty:
                // Text after function results joins their turn: templates that insist on alternating roles refuse two
                // user turns in a row.
                out[out.count - 1].content += format.separator + message.content
            case .assistant where !message.toolCalls.isEmpty:
                let calls = message.toolCalls.map(format.render).joined(separator: format.separator)
                let content = message.content.isEmpty ? calls : message.content + "\n" + calls
                out.append(PromptMessage(role: .assistant, content: content, name: message.name))
            default:
                out.append(PromptMessage(role: message.role, content: message.content, name: message.name))
            }
            lastWasResults = false
        }
        if let systemBlock {
            if let first = out.first, first.role == .system {
                out[0].content = first.content.isEmpty ? systemBlock : first.content + "\n\n" + systemBlock
            } else {
                out.insert(PromptMessage(role: .system, content: systemBlock), at: 0)
            }
        }
        return out
    }

    /// The block that tells the model which functions it has and how to call them.
    public func systemBlock() -> String {
        var lines = ["# Tools", "",
                     "You can call the functions described below, as JSON, between <tools> and </tools>:", "<tools>"]
        for tool in callable {
            var function = #"{"name":"# + ToolCallFormat.jsonString(tool.name)
            if let description = tool.description { function += #","description":"# + ToolCallFormat.jsonString(description) }
            function += #","parameters":"# + ToolCallFormat.compactJSON(tool.parameters) + "}"
            lines.append(#"{"type":"function","function":"# + function + "}")
        }
        lines.append("</tools>")
        lines.append("")
        lines.append("To call a function, answer with its name and arguments as a JSON object in this form:")
        lines.append(format.open + #"{"name":"function name","# + ToolCallFormat.jsonString(format.argumentsKey)
                         + #":{"argument":"value"}}"# + format.close)
        switch choice {
        case .required: lines.append("Answer with at least one function call.")
        case .function(let name): lines.append("Answer with a call of the function \(name).")
        case .auto, .none: lines.append("Call a function only when it helps; otherwise answer in plain text.")
        }
        if !parallel { lines.append("Call at most one function.") }
        return lines.joined(separator: "\n")
    }

    /// The grammar the output must follow, nil under `none` (or with no tools). Each call is the format's open
    /// tag, a compact JSON object `{"name": <one of the callable names>, "arguments": <valid for its schema>}` and
    /// the close tag. Under `auto` the output is text with no call tag in it, or text (maybe none) up to the first
    /// open tag (a lazy lexeme, so it ends at that tag) and then calls.
    public func grammar() -> OutputGrammar? {
        let functions = callable
        guard parsesCalls, !functions.isEmpty else { return nil }
        var rules: [String] = []
        let parallel = parallel && format.allowsParallel
        // Empty markup (the bare-object format) is left out: Lark has no empty literal.
        func literal(_ text: String) -> String { text.isEmpty ? "" : Self.larkLiteral(text) + " " }
        let separator = literal(format.separator)
        switch choice {
        case .auto where format.open.isEmpty:
            // Text never starts with `{` (after any whitespace); a call is the whole answer.
            rules.append("start: TEXT | call")
            rules.append(#"TEXT: /(?s:\s*([^{\s].*)?)/"#)
        case .auto:
            rules.append("start: TEXT | pre after_open" + (parallel ? " more" : ""))
            if parallel { rules.append("more: (\(separator)call)*") }
            rules.append("pre[lazy]: /(?s:.*)" + Self.escapeRegex(format.open) + "/")
            let tag = format.open.trimmingCharacters(in: .whitespacesAndNewlines)
            rules.append("TEXT: /(?s:.*)/ & ~/(?s:.*" + Self.escapeRegex(tag) + ".*)/")
        default:
            rules.append("start: calls")
            rules.append(parallel ? "calls: call (\(separator)call)*" : "calls: call")
        }
        rules.append("call: \(literal(format.open))after_open")
        let closing = format.close.isEmpty ? "" : " " + Self.larkLiteral(format.close)
        rules.append("after_open: " + functions.indices.map { "body_\($0)\(closing)" }.joined(separator: " | "))
        for (index, function) in functions.enumerated() {
            rules.append("body_\(index): %json " + Self.callSchema(function, argumentsKey: format.argumentsKey))
        }
        return .lark(rules.joined(separator: "\n"))
    }

    /// The schema of one call's JSON object: the name as a constant, then the arguments; compact. The arguments
    /// schema's `$defs` and `definitions` move to the top, where its `#/$defs/…` references point.
    static func callSchema(_ tool: ToolDefinition, argumentsKey: String = "arguments") -> String {
        var parameters = (try? JSONSerialization.jsonObject(with: Data(tool.parameters.utf8))) as? [String: Any]
            ?? ["type": "object"]
        var hoisted = ""
        for key in ["$defs", "definitions"] {
            if let defs = parameters.removeValue(forKey: key),
               let data = try? JSONSerialization.data(withJSONObject: defs, options: [.sortedKeys]) {
                hoisted += "," + ToolCallFormat.jsonString(key) + ":" + String(decoding: data, as: UTF8.self)
            }
        }
        parameters.removeValue(forKey: "x-guidance")
        // OpenAI's and Anthropic's clients read the arguments as an object: a schema without a type still gets one.
        if parameters["type"] == nil { parameters["type"] = "object" }
        let data = (try? JSONSerialization.data(withJSONObject: parameters, options: [.sortedKeys])) ?? Data("{}".utf8)
        return #"{"type":"object","properties":{"name":{"const":"# + ToolCallFormat.jsonString(tool.name)
            + "}," + ToolCallFormat.jsonString(argumentsKey) + ":" + String(decoding: data, as: UTF8.self)
            + #"},"required":["name","# + ToolCallFormat.jsonString(argumentsKey)
            + #"],"additionalProperties":false"# + hoisted
            + #","x-guidance":{"whitespace_flexible":false}}"#
    }

    /// `text` as literal characters of a regular expression (newlines as `\n`).
    static func escapeRegex(_ text: String) -> String {
        var out = ""
        for character in text {
            if character == "\n" {
                out += "\\n"
                continue
            }
            if "\\.^$|?*+()[]{}/-".contains(character) { out.append("\\") }
            out.append(character)
        }
        return out
    }

    /// `text` as a Lark string literal (JSON's escaping, which Lark reads).
    static func larkLiteral(_ text: String) -> String { ToolCallFormat.jsonString(text) }
}
