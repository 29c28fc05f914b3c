/// The parts of one streamed `chat.completion.chunk` event the benchmark reads: content deltas, finish reasons,
/// the closing usage, or the error envelope a server sends when a stream fails after it began.
struct BenchChatChunk: Decodable, Sendable {
    struct Choice: Decodable, Sendable {
        struct Delta: Decodable, Sendable {
            let content: String?
        }

        let delta: Delta?
        let finishReason: String?

        enum CodingKeys: String, CodingKey {
            case delta
            case finishReason = "finish_reason"
        }
    }

    struct Usage: Decodable, Sendable {
        let promptTokens: Int
        let completionTokens: Int

        enum CodingKeys: String, CodingKey {
            case promptTokens = "prompt_tokens"
            case completionTokens = "completion_tokens"
        }
    }

    struct Failure: Decodable, Sendable {
        let message: String?
        let code: String?
    }

    let choices: [Choice]?
    let usage: Usage?
    let error: Failure?
}
