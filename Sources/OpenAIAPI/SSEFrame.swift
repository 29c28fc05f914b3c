import GatewayCore

/// Server-sent events as OpenAI's streams frame them: each JSON payload as `data: <json>\n\n`, the stream ended
/// by `data: [DONE]\n\n`, and a failure after the stream began as an error envelope event.
public enum SSEFrame {
    /// The stream's last event.
    public static let done: [UInt8] = Array("data: [DONE]\n\n".utf8)

    /// One event carrying `json`.
    public static func data(_ json: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(json.count + 8)
        out.append(contentsOf: "data: ".utf8)
        out.append(contentsOf: json)
        out.append(contentsOf: "\n\n".utf8)
        return out
    }

    /// An error reported after the response status went out, as OpenAI sends one mid-stream:
    /// `data: {"error":{"message","type","param","code"}}\n\n`.
    public static func error(_ envelope: ErrorEnvelope) -> [UInt8] {
        data(envelope.jsonBytes())
    }

    /// A comment line that keeps an idle stream's connection (and any proxy on the way) from timing out.
    public static let keepAlive: [UInt8] = Array(": keep-alive\n\n".utf8)
}
