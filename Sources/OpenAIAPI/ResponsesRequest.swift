import GatewayCore

/// The body of `POST /v1/responses` (OpenAI's Responses API) plus the gateway's sampling extensions (`top_k`,
/// `min_p`, `seed`, `logit_bias`, `keep_alive`). Every field is honoured or refused with a 400 naming it; the
/// OpenAI fields the gateway does not implement (`reasoning`, `include`, `truncation`) are accepted only with the
/// value that asks for nothing.
public struct ResponsesRequest: Decodable, Sendable {
    /// Most `metadata` pairs, and the longest key and value, as OpenAI allows.
    public static let maxMetadataPairs = 16
    public static let maxMetadataKeyLength = 64
    public static let maxMetadataValueLength = 512

    public let model: String
    /// `input` as conversation messages (function calls on assistant messages, their outputs as `tool` messages).
    public let input: [PromptMessage]
    /// A system message put first for this response only (not carried to the next one by `previous_response_id`).
    public let instructions: String?
    /// The flat function tools, `tool_choice` and `parallel_tool_calls`; nil without tools.
    public let tools: ToolUse?
    /// The tools as the request sent them, for the echo in the response.
    public let functionTools: [ResponseFunctionTool]
    /// `tool_choice` as sent (`auto` when absent), for the echo.
    public let toolChoice: ToolChoice
    public let parallelToolCalls: Bool
    /// `text.format`: plain text, any JSON object or a JSON schema.
    public let textFormat: ResponseTextFormat
    public let maxOutputTokens: Int?
    public let temperature: Double?
    public let topP: Double?
    public let topK: Int?
    public let minP: Double?
    public let seed: UInt64?
    public let logitBias: [Int32: Double]
    public let stream: Bool
    /// Whether the response is kept for `GET /v1/responses/{id}` and `previous_response_id` (default true).
    public let store: Bool
    public let previousResponseID: String?
    /// Up to 16 string pairs, echoed in the response and kept with it.
    public let metadata: [String: String]
    public let user: String?
    public let keepAlive: KeepAlive?

    /// The field a grammar error is blamed on: `text.format` for a structured format, `tools` for calls.
    public var grammarParam: String { tools?.parsesCalls == true ? "tools" : "text.format" }

    static let fieldNames: Set<String> = [
        "model", "input", "instructions", "tools", "tool_choice", "parallel_tool_calls", "text", "max_output_tokens",
        "temperature", "top_p", "stream", "stream_options", "store", "previous_response_id", "metadata", "user",
        "truncation", "reasoning", "include", "top_k", "min_p", "seed", "logit_bias", "prompt_cache_key",
        KeepAliveField.name,
    ]

    public init(from decoder: any Decoder) throws {
        let reader = try CompletionFieldReader(decoder, known: Self.fieldNames)
        model = try reader.required(String.self, "model")
        guard !model.isEmpty else { throw APIError.invalidRequest("'model' must not be empty", param: "model") }
        guard let rawInput = try reader.value("input") else {
            throw APIError.invalidRequest("Missing required parameter: 'input'.", param: "input",
                                          code: "missing_required_parameter")
        }
        input = try ResponsesInput.parse(rawInput)
        instructions = try reader.optional(String.self, "instructions")
        var parsedTools = try ResponsesTools.parseTools(reader.value("tools"))
        let ordered = RequestBodyOrder.ordered(parsedTools.map(\.definition), body: reader.body) {
            [.key("tools"), .index($0), .key("parameters")]
        }
        for index in parsedTools.indices where index < ordered.count { parsedTools[index].definition = ordered[index] }
        functionTools = parsedTools
        parallelToolCalls = try reader.optional(Bool.self, "parallel_tool_calls") ?? true
        toolChoice = try ToolChoiceField.parse(reader.value("tool_choice"), tools: parsedTools.map(\.definition),
                                                dialect: .responses)
        tools = parsedTools.isEmpty ? nil : ToolUse(tools: parsedTools.map(\.definition), choice: toolChoice,
                                                    parallel: parallelToolCalls, format: .forModel(model))
        textFormat = try ResponseTextFormat.parse(reader.value("text"))
        if let tools, tools.parsesCalls, textFormat.grammar != nil {
            throw APIError.invalidRequest(
                "'text.format' cannot be combined with 'tools' unless 'tool_choice' is 'none': the output is either "
                    + "function calls or text in the requested format.",
                param: "text.format", code: "invalid_value")
        }
        maxOutputTokens = try reader.integer("max_output_tokens", in: 1...Int.max)
        temperature = try reader.number("temperature", in: 0...2)
        topP = try reader.number("top_p", in: 0...1, openLowerBound: true)
        topK = try reader.integer("top_k", in: 1...Int.max)
        minP = try reader.number("min_p", in: 0...1)
        seed = try reader.seed("seed")
        logitBias = try CompletionSampling.logitBias(reader.value("logit_bias"))
        stream = try reader.optional(Bool.self, "stream") ?? false
        try Self.checkStreamOptions(reader.value("stream_options"), stream: stream)
        store = try reader.optional(Bool.self, "store") ?? true
        previousResponseID = try Self.previousResponseID(reader.optional(String.self, "previous_response_id"))
        metadata = try Self.metadata(reader.value("metadata"))
        user = try reader.optional(String.self, "user")
        keepAlive = try KeepAliveField.parse(reader.value(KeepAliveField.name))
        try reader.refuseUnlessNeutral("truncation", neutral: "null or \"disabled\"") {
            $0 == .null || $0 == .string("disabled")
        }
        try reader.refuseUnlessNeutral("reasoning", neutral: "null or {}") { $0 == .null || $0 == .object([:]) }
        // Codex CLI asks for encrypted reasoning to carry it between turns; these models produce no reasoning items,
        // so there is never any to include.
        try reader.refuseUnlessNeutral("include", neutral: "null, [] or [\"reasoning.encrypted_content\"]") {
            $0 == .null || $0 == .array([]) || $0 == .array([.string("reasoning.encrypted_content")])
        }
        // A routing hint for OpenAI's prompt cache; prefixes are cached here for every request.
        _ = try reader.optional(String.self, "prompt_cache_key")
    }

    /// What the engine is asked for.
    public func generationParameters() -> GenerationParameters {
        GenerationParameters(maxTokens: maxOutputTokens, temperature: temperature, topP: topP, topK: topK, seed: seed,
                             minP: minP, logitBias: logitBias, grammar: textFormat.grammar ?? tools?.grammar())
    }

    /// What the response echoes of this request, with the sampling values that were used.
    public func settings(temperature: Double, topP: Double) -> ResponseSettings {
        ResponseSettings(instructions: instructions, maxOutputTokens: maxOutputTokens,
                         parallelToolCalls: parallelToolCalls, previousResponseID: previousResponseID, store: store,
                         temperature: temperature, topP: topP, textFormat: textFormat, toolChoice: toolChoice,
                         tools: functionTools, user: user, metadata: metadata)
    }

    /// `previous_response_id`: a response id (letters, digits, `_` and `-`), else a 400.
    private static func previousResponseID(_ value: String?) throws -> String? {
        guard let value else { return nil }
        guard ResponseID.isWellFormed(value) else {
            throw APIError.invalidRequest(
                "Invalid 'previous_response_id': '\(value.prefix(80))'. Expected an ID that begins with 'resp'.",
                param: "previous_response_id", code: "invalid_value")
        }
        return value
    }

    /// `stream_options`: null, or with `stream: true` an object whose `include_obfuscation` is absent, null or
    /// false (the gateway never pads its events).
    private static func checkStreamOptions(_ value: CompletionJSONValue?, stream: Bool) throws {
        guard let value, value != .null else { return }
        guard case .object(let options) = value else {
            throw CompletionFieldReader.wrongType("stream_options", expected: "an object", sent: value.typeName)
        }
        guard stream else {
            throw APIError.invalidRequest("The 'stream_options' parameter is only allowed when 'stream' is enabled.",
                                          param: "stream_options", code: "invalid_value")
        }
        if let unknown = options.keys.sorted().first(where: { $0 != "include_obfuscation" }) {
            throw APIError.invalidRequest("Unrecognized request argument supplied: stream_options.\(unknown)",
                                          param: "stream_options.\(unknown)")
        }
        switch options["include_obfuscation"] {
        case nil, .null?, .bool(false)?: break
        case .bool(true)?:
            throw APIError.invalidRequest(
                "Unsupported parameter: 'stream_options.include_obfuscation' is not supported by this server; only "
                    + "null or false is accepted.",
                param: "stream_options.include_obfuscation", code: "unsupported_parameter")
        case let other?:
            throw CompletionFieldReader.wrongType("stream_options.include_obfuscation", expected: "a boolean",
                                                  sent: other.typeName)
        }
    }

    /// `metadata`: null or an object of at most 16 string values, keys up to 64 characters, values up to 512.
    private static func metadata(_ value: CompletionJSONValue?) throws -> [String: String] {
        switch value {
        case nil, .null?:
            return [:]
        case .object(let pairs)?:
            guard pairs.count <= maxMetadataPairs else {
                throw APIError.invalidRequest(
                    "Invalid 'metadata': too many properties. Expected an object with at most \(maxMetadataPairs) "
                        + "properties, but got an object with \(pairs.count) properties instead.",
                    param: "metadata", code: "object_above_max_properties")
            }
            var metadata: [String: String] = [:]
            for key in pairs.keys.sorted() {
                // Lengths in Unicode scalars, as JSON Schema's `maxLength` counts them.
                guard key.unicodeScalars.count <= maxMetadataKeyLength else {
                    throw APIError.invalidRequest(
                        "Invalid 'metadata': the key '\(key.prefix(80))…' is longer than \(maxMetadataKeyLength) "
                            + "characters.",
                        param: "metadata", code: "invalid_value")
                }
                guard case .string(let text)? = pairs[key] else {
                    throw CompletionFieldReader.wrongType("metadata.\(key)", expected: "a string",
                                                          sent: pairs[key]?.typeName)
                }
                guard text.unicodeScalars.count <= maxMetadataValueLength else {
                    throw APIError.invalidRequest(
                        "Invalid 'metadata.\(key)': string too long. Expected a string with maximum length "
                            + "\(maxMetadataValueLength), but got a string with length "
                            + "\(text.unicodeScalars.count) instead.",
                        param: "metadata.\(key)", code: "string_above_max_length")
                }
                metadata[key] = text
            }
            return metadata
        case let other?:
            throw CompletionFieldReader.wrongType("metadata", expected: "an object", sent: other.typeName)
        }
    }
}
