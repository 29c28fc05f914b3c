/// One stream's numbers as the JSON report shows them (milliseconds, tokens per second).
struct BenchChatStreamSummary: Encodable, Sendable {
    let promptTokens: Int?
    let completionTokens: Int?
    let finishReason: String?
    let ttftMs: Double?
    let decodeMs: Double?
    let decodeTokensPerSecond: Double?
    let totalMs: Double
    let contentChunks: Int
    /// Gaps between consecutive content chunks: the inter-token latency the client saw.
    let chunkGapMs: BenchLatencySummary?
    let text: String?
    let error: String?
}

extension BenchChatStream {
    /// The stream's numbers; its text only with `includeText`.
    func summary(includeText: Bool) -> BenchChatStreamSummary {
        let gaps = zip(contentTimes.dropFirst(), contentTimes).map { $0 - $1 }
        return BenchChatStreamSummary(
            promptTokens: promptTokens,
            completionTokens: completionTokens,
            finishReason: finishReason,
            ttftMs: timeToFirstToken.map(BenchLatencySummary.milliseconds),
            decodeMs: decodeDuration.map(BenchLatencySummary.milliseconds),
            decodeTokensPerSecond: decodeTokensPerSecond,
            totalMs: BenchLatencySummary.milliseconds(end - sent),
            contentChunks: contentTimes.count,
            chunkGapMs: BenchLatencySummary(gaps),
            text: includeText ? text : nil,
            error: error
        )
    }
}
