import GatewayCore

/// What a Response object echoes of the request that made it: instructions, limits, sampling, text format, tools,
/// tool choice, storage and metadata.
public struct ResponseSettings: Sendable, Equatable {
    public var instructions: String?
    public var maxOutputTokens: Int?
    public var parallelToolCalls: Bool
    public var previousResponseID: String?
    public var store: Bool
    /// The values the generation used (the request's, else the model's defaults, else 1).
    public var temperature: Double
    public var topP: Double
    public var textFormat: ResponseTextFormat
    public var toolChoice: ToolChoice
    public var tools: [ResponseFunctionTool]
    public var user: String?
    public var metadata: [String: String]

    public init(instructions: String? = nil, maxOutputTokens: Int? = nil, parallelToolCalls: Bool = true,
                previousResponseID: String? = nil, store: Bool = true, temperature: Double = 1, topP: Double = 1,
                textFormat: ResponseTextFormat = .text, toolChoice: ToolChoice = .auto,
                tools: [ResponseFunctionTool] = [], user: String? = nil, metadata: [String: String] = [:]) {
        self.instructions = instructions
        self.maxOutputTokens = maxOutputTokens
        self.parallelToolCalls = parallelToolCalls
        self.previousResponseID = previousResponseID
        self.store = store
        self.temperature = temperature
        self.topP = topP
        self.textFormat = textFormat
        self.toolChoice = toolChoice
        self.tools = tools
        self.user = user
        self.metadata = metadata
    }

    /// `tool_choice` as the response shows it: a mode, or `{"type":"function","name":…}`.
    func writeToolChoice(into writer: inout CompletionJSONWriter) {
        switch toolChoice {
        case .none: writer.raw(#""none""#)
        case .auto: writer.raw(#""auto""#)
        case .required: writer.raw(#""required""#)
        case .function(let name):
            writer.raw(#"{"type":"function","name":"#)
            writer.string(name)
            writer.raw("}")
        }
    }

    /// `tools` as the response shows them: flat function tools.
    func writeTools(into writer: inout CompletionJSONWriter) {
        writer.raw("[")
        for (index, tool) in tools.enumerated() {
            if index > 0 { writer.raw(",") }
            writer.raw(#"{"type":"function","name":"#)
            writer.string(tool.definition.name)
            writer.raw(#","description":"#)
            writer.stringOrNull(tool.definition.description)
            writer.raw(#","parameters":"#)
            writer.raw(tool.definition.parameters)
            writer.raw(#","strict":\#(tool.strict)}"#)
        }
        writer.raw("]")
    }

    /// `metadata` with its keys in order.
    func writeMetadata(into writer: inout CompletionJSONWriter) {
        writer.raw("{")
        for (index, key) in metadata.keys.sorted().enumerated() {
            if index > 0 { writer.raw(",") }
            writer.string(key)
            writer.raw(":")
            writer.string(metadata[key] ?? "")
        }
        writer.raw("}")
    }
}
