/// The body of one benchmark `POST /v1/chat/completions`: one user message, greedy, streamed with a final usage
/// chunk, so that the token counts come from the server itself.
struct BenchChatRequest: Encodable, Sendable {
    struct Message: Encodable, Sendable {
        let role: String
        let content: String
    }

    struct StreamOptions: Encodable, Sendable {
        let includeUsage: Bool

        enum CodingKeys: String, CodingKey { case includeUsage = "include_usage" }
    }

    let model: String
    let messages: [Message]
    let maxTokens: Int
    let temperature: Double
    let stream: Bool
    let streamOptions: StreamOptions

    init(model: String, prompt: String, maxTokens: Int) {
        self.model = model
        messages = [Message(role: "user", content: prompt)]
        self.maxTokens = maxTokens
        temperature = 0
        stream = true
        streamOptions = StreamOptions(includeUsage: true)
    }

    enum CodingKeys: String, CodingKey {
        case model, messages, temperature, stream
        case maxTokens = "max_tokens"
        case streamOptions = "stream_options"
    }
}
