import AsyncHTTPClient
import Foundation

/// Sends streamed `POST /v1/chat/completions` requests to a running server and times every server-sent event as
/// its bytes arrive (the body is read piece by piece, never collected first).
struct BenchChatClient: Sendable {
    let http: HTTPClient
    let baseURL: String
    let model: String
    let timeoutSeconds: Int64

    /// The encoded body asking for `maxTokens` greedy tokens after `prompt`.
    func body(prompt: String, maxTokens: Int) throws -> Data {
        try JSONEncoder().encode(BenchChatRequest(model: model, prompt: prompt, maxTokens: maxTokens))
    }

    /// Sends one request and reads its stream to the end; never throws (a failure is the result's `error`).
    func stream(_ body: Data) async -> BenchChatStream {
        var request = HTTPClientRequest(url: baseURL + "/v1/chat/completions")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "Accept", value: "text/event-stream")
        request.body = .bytes(body)
        let clock = ContinuousClock()
        var stream = BenchChatStream(sent: clock.now)
        do {
            let response = try await http.execute(request, timeout: .seconds(timeoutSeconds))
            guard response.status == .ok else {
                let bytes = try await response.body.collect(upTo: 1 << 20)
                stream.error = "HTTP \(response.status.code): "
                    + String(decoding: bytes.readableBytesView.prefix(300), as: UTF8.self)
                stream.end = clock.now
                return stream
            }
            var parser = BenchChatSSEParser()
            let decoder = JSONDecoder()
            for try await buffer in response.body {
                let now = clock.now
                for event in parser.feed(buffer.readableBytesView) {
                    Self.record(event, at: now, into: &stream, decoder: decoder)
                }
            }
        } catch {
            stream.error = stream.error ?? "transport: \(error)"
        }
        stream.end = clock.now
        stream.checkComplete()
        return stream
    }

    /// Applies one event's data to `stream`.
    private static func record(
        _ event: String, at now: ContinuousClock.Instant, into stream: inout BenchChatStream, decoder: JSONDecoder
    ) {
        if event == "[DONE]" {
            stream.sawDone = true
            return
        }
        guard let chunk = try? decoder.decode(BenchChatChunk.self, from: Data(event.utf8)) else {
            stream.error = stream.error ?? "an event is not a chat.completion.chunk: \(event.prefix(200))"
            return
        }
        if let failure = chunk.error {
            stream.error = stream.error
                ?? "error event: \(failure.message ?? "no message") (code \(failure.code ?? "none"))"
        }
        if let usage = chunk.usage {
            stream.promptTokens = usage.promptTokens
            stream.completionTokens = usage.completionTokens
        }
        for choice in chunk.choices ?? [] {
            if let content = choice.delta?.content, !content.isEmpty {
                stream.contentTimes.append(now)
                stream.text += content
            }
            if let reason = choice.finishReason {
                stream.finishReason = reason
                stream.finished = now
            }
        }
    }
}
