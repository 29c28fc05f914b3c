import GatewayCore

/// A Response object of OpenAI's Responses API (`"object":"response"`), written straight to JSON bytes in OpenAI's
/// field order: what `POST /v1/responses` answers, the streamed events carry, and the store keeps.
public struct ResponseObject: Sendable, Equatable {
    public enum Status: String, Sendable {
        case inProgress = "in_progress"
        case completed
        case incomplete
        case failed
    }

    /// Why a response failed: OpenAI's `error` object `{code, message}`.
    public struct Failure: Sendable, Equatable {
        public var code: String
        public var message: String

        public init(code: String, message: String) {
            self.code = code
            self.message = message
        }
    }

    public var id: String
    /// Unix seconds.
    public var createdAt: Int
    /// Unix seconds; set when the response completed.
    public var completedAt: Int?
    public var status: Status
    public var model: String
    public var output: [ResponseOutputItem]
    /// nil until the generation ended (`"usage":null`).
    public var usage: GenerationUsage?
    /// Set for `incomplete`: `max_output_tokens` (also when the context or the server's limit ran out).
    public var incompleteReason: String?
    public var failure: Failure?
    public var settings: ResponseSettings

    public init(id: String, createdAt: Int, status: Status = .inProgress, model: String,
                output: [ResponseOutputItem] = [], usage: GenerationUsage? = nil, settings: ResponseSettings) {
        self.id = id
        self.createdAt = createdAt
        self.status = status
        self.model = model
        self.output = output
        self.usage = usage
        self.settings = settings
    }

    /// A fresh `resp_…` id.
    public static func makeID() -> String { ResponseID.make(prefix: "resp_") }

    /// The response as it ends: `completed`, or `incomplete` when the output was cut short.
    public mutating func finish(output: [ResponseOutputItem], usage: GenerationUsage, truncated: Bool, at time: Int) {
        self.output = output
        self.usage = usage
        if truncated {
            status = .incomplete
            incompleteReason = "max_output_tokens"
        } else {
            status = .completed
            completedAt = time
        }
    }

    /// The JSON body.
    public func jsonBytes() -> [UInt8] {
        var writer = CompletionJSONWriter(capacity: 1024)
        write(into: &writer)
        return writer.bytes
    }

    func write(into writer: inout CompletionJSONWriter) {
        writer.raw(#"{"id":"#)
        writer.string(id)
        writer.raw(#","object":"response","created_at":\#(createdAt),"status":"\#(status.rawValue)","#)
        writer.raw(#""background":false,"completed_at":"#)
        writer.raw(completedAt.map(String.init) ?? "null")
        writer.raw(#","error":"#)
        if let failure {
            writer.raw(#"{"code":"#)
            writer.string(failure.code)
            writer.raw(#","message":"#)
            writer.string(failure.message)
            writer.raw("}")
        } else {
            writer.raw("null")
        }
        writer.raw(#","incomplete_details":"#)
        if let incompleteReason {
            writer.raw(#"{"reason":"#)
            writer.string(incompleteReason)
            writer.raw("}")
        } else {
            writer.raw("null")
        }
        writer.raw(#","instructions":"#)
        writer.stringOrNull(settings.instructions)
        writer.raw(#","max_output_tokens":"#)
        writer.raw(settings.maxOutputTokens.map(String.init) ?? "null")
        writer.raw(#","max_tool_calls":null,"model":"#)
        writer.string(model)
        writer.raw(#","output":["#)
        for (index, item) in output.enumerated() {
            if index > 0 { writer.raw(",") }
            item.write(into: &writer)
        }
        writer.raw(#"],"parallel_tool_calls":\#(settings.parallelToolCalls),"previous_response_id":"#)
        writer.stringOrNull(settings.previousResponseID)
        writer.raw(#","reasoning":{"effort":null,"summary":null},"service_tier":"default","store":"#)
        writer.raw(settings.store ? "true" : "false")
        writer.raw(#","temperature":"#)
        writer.raw(Self.number(settings.temperature))
        writer.raw(#","text":"#)
        settings.textFormat.write(into: &writer)
        writer.raw(#","tool_choice":"#)
        settings.writeToolChoice(into: &writer)
        writer.raw(#","tools":"#)
        settings.writeTools(into: &writer)
        writer.raw(#","top_logprobs":0,"top_p":"#)
        writer.raw(Self.number(settings.topP))
        writer.raw(#","truncation":"disabled","usage":"#)
        if let usage {
            writer.raw(#"{"input_tokens":\#(usage.promptTokens),"input_tokens_details":{"cached_tokens":"#)
            writer.raw(#"\#(usage.cachedTokens),"cache_write_tokens":0},"output_tokens":\#(usage.completionTokens),"#)
            writer.raw(#""output_tokens_details":{"reasoning_tokens":0},"total_tokens":\#(usage.totalTokens)}"#)
        } else {
            writer.raw("null")
        }
        writer.raw(#","user":"#)
        writer.stringOrNull(settings.user)
        writer.raw(#","metadata":"#)
        settings.writeMetadata(into: &writer)
        writer.raw("}")
    }

    /// A sampling value as JSON (always with a fractional part or exponent, as OpenAI writes `1.0`).
    static func number(_ value: Double) -> String {
        value.isFinite ? String(value) : "1.0"
    }

    /// The body of `DELETE /v1/responses/{id}`: `{"id":…,"object":"response.deleted","deleted":true}`.
    public static func deletedBytes(id: String) -> [UInt8] {
        var writer = CompletionJSONWriter()
        writer.raw(#"{"id":"#)
        writer.string(id)
        writer.raw(#","object":"response.deleted","deleted":true}"#)
        return writer.bytes
    }
}
