import CONNXRuntime
import Foundation

extension OrtxTokenizer {
    /// Renders the model's own chat template (`chat_template` of `tokenizer_config.json`) on OpenAI-style messages,
    /// `messagesJSON` being a JSON array of `{"role", "content", "name"?}` objects, with the tools of `toolsJSON` (a
    /// JSON array of OpenAI tool definitions; nil or empty: none). Whatever the template does (e.g. add a default
    /// system prompt) happens here too, as in Hugging Face's `apply_chat_template`.
    ///
    /// Tools differ: the library (0.15.2) hands the template each OpenAI tool flattened to `{"name", "description",
    /// "parameters": {property: {"type", "description"}}}`, with type "string" written "str", where Hugging Face hands
    /// it the definition as given; a template that prints tools (or reads `tool.function`) renders differently.
    ///
    /// Throws `OrtError(.invalidArgument)` for JSON the library could not take (checked here first: the library
    /// would end the process), and `OrtError(.extensions)` when the model has no chat template or the template
    /// engine refuses the messages.
    public func applyChatTemplate(messagesJSON: String, toolsJSON: String?, addGenerationPrompt: Bool) throws
        -> String {
        let tools = toolsJSON.flatMap { $0.isEmpty ? nil : $0 }
        try Self.refuseNUL(messagesJSON, what: "messages JSON")
        try Self.checkMessages(messagesJSON)
        if let tools {
            try Self.refuseNUL(tools, what: "tools JSON")
            try Self.checkTools(tools, what: "tools JSON")
        }
        let functions = library.functions
        var result: OpaquePointer?
        var tensor: OpaquePointer?
        defer {
            library.dispose(tensor)
            library.dispose(result)
        }
        let context = "cannot apply the chat template of \(directory)"
        return try lock.withLock {
            let code = functions.applyChatTemplate(handle, nil, messagesJSON, tools, &result, addGenerationPrompt,
                                                   false)
            if code != 0 {
                let message = functions.getLastErrorMessage().map { String(cString: $0) } ?? ""
                if message.lowercased().contains("empty chat template") {
                    throw OrtError(.extensions,
                                   "the model in \(directory) has no chat template (its tokenizer_config.json has no "
                                   + "chat_template), so chat messages cannot be rendered for it; use a chat model or "
                                   + "add the template (onnxruntime-extensions: \(message))", code: code)
                }
                try library.check(code, context)
            }
            guard let result else { throw OrtError(.extensions, "\(context): the library returned no text") }
            try library.check(functions.tensorResultGetAt(result, 0, &tensor), context)
            guard let tensor else { throw OrtError(.extensions, "\(context): the library returned no text") }
            var type: Int32 = 0
            try library.check(functions.getTensorType(tensor, &type), context)
            guard type == AIGW_ORTX_TYPE_STRING else {
                throw OrtError(.extensions, "\(context): the library returned a tensor of type \(type), not text")
            }
            var data: UnsafeRawPointer?
            try library.check(functions.getTensorData(tensor, &data, nil, nil), context)
            return data.map { String(cString: $0.assumingMemoryBound(to: CChar.self)) } ?? ""
        }
    }

    /// Refuses messages JSON the library cannot take: it must parse, be an array of objects with a string `role`,
    /// and a message's `tools` (Phi-4-mini puts them there) must be a string holding tools JSON.
    static func checkMessages(_ json: String) throws {
        let messages = try parse(json, what: "messages JSON")
        guard case .array(let items) = messages else {
            throw OrtError(.invalidArgument, "the messages JSON must be an array of messages")
        }
        for (index, message) in items.enumerated() {
            guard message.isObject else {
                throw OrtError(.invalidArgument, "message \(index) of the messages JSON is not an object")
            }
            guard message["role"]?.stringValue != nil else {
                throw OrtError(.invalidArgument, "message \(index) of the messages JSON has no string role")
            }
            if let tools = message["tools"] {
                guard let text = tools.stringValue else {
                    throw OrtError(.invalidArgument,
                                   "the tools of message \(index) must be a string holding a JSON array of tools")
                }
                if !text.isEmpty { try checkTools(text, what: "tools of message \(index)") }
            }
        }
    }

    /// Refuses tools JSON the library cannot take: an array of objects; where it unwraps an OpenAI definition
    /// (`"type": "function"` with `function`, or `"type": "tool"`), the name and description must be strings and
    /// the parameters' `properties` an object.
    static func checkTools(_ json: String, what: String) throws {
        guard case .array(let tools) = try parse(json, what: what) else {
            throw OrtError(.invalidArgument, "the \(what) must be an array of tools")
        }
        for (index, tool) in tools.enumerated() {
            guard tool.isObject else {
                throw OrtError(.invalidArgument, "tool \(index) of the \(what) is not an object")
            }
            let definition: OrtxJSON
            switch tool["type"]?.stringValue {
            case "function" where tool["function"] != nil:
                guard let function = tool["function"], function.isObject else {
                    throw OrtError(.invalidArgument, "the function of tool \(index) of the \(what) is not an object")
                }
                definition = function
            case "tool":
                definition = tool
            default:
                continue
            }
            for field in ["name", "description"] {
                if let value = definition[field], value.stringValue == nil {
                    throw OrtError(.invalidArgument, "the \(field) of tool \(index) of the \(what) is not a string")
                }
            }
            if let parameters = definition["parameters"], let properties = parameters["properties"],
               !properties.isObject {
                throw OrtError(.invalidArgument,
                               "the parameters' properties of tool \(index) of the \(what) are not an object")
            }
        }
    }

    private static func parse(_ json: String, what: String) throws -> OrtxJSON {
        do {
            return try OrtxJSON.parse(json)
        } catch {
            throw OrtError(.invalidArgument, "the \(what) is not valid JSON: \(error.message)")
        }
    }
}
