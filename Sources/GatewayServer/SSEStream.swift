import GatewayCore
import Hummingbird
import Logging
import OpenAIAPI

/// Writes generations as Server-Sent Events: opening chunks, one chunk per event flushed as it comes, an optional
/// usage chunk, then `data: [DONE]`. An idle stream gets an SSE comment every keep-alive interval; one that passes
/// the request deadline ends with a timeout error event. When the client goes away the write fails, the merged
/// stream is dropped and every generation stops before its next token. At most `limit` events wait for a client
/// that does not read (then its generations stop).
enum SSEStream {
    /// How a stream is written and reported.
    struct Settings: Sendable {
        var keepAlive: Duration?
        var deadline: ContinuousClock.Instant?
        var metrics: GenerationMetrics
        var start: ContinuousClock.Instant
        var info: RequestInfo
        var logBodies: Bool
        var logger: Logger
        var bufferLimit = 1024
        /// Called once the stream has ended (the request's model lease is released there).
        var onFinish: (@Sendable () -> Void)?
        /// The last frame of a stream that ended well: OpenAI's `data: [DONE]`; nil for none (Anthropic's and the
        /// Responses API's streams end with their own events).
        var done: [UInt8]? = SSEFrame.done
        /// The frame for an error after the stream has begun: OpenAI's error envelope unless set.
        var errorFrame: (@Sendable (any Error, Logger) -> [UInt8])?

        /// How often the writer wakes without an event: the keep-alive interval, else every second to watch the
        /// deadline, else never.
        var tickInterval: Duration? { keepAlive ?? (deadline != nil ? .seconds(1) : nil) }

        /// Throws a timeout past the deadline. Checked at every event as well as at ticks: the ticker is a task of
        /// its own, and on a saturated cooperative pool it may lag behind a stream that keeps producing.
        func checkDeadline() throws {
            if let deadline, ContinuousClock.now >= deadline {
                throw ServingError(.timedOut, "The request took longer than the server's limit")
            }
        }

        /// At a tick: throws a timeout past the deadline; else whether an idle stream is due a keep-alive comment.
        func keepAliveDue(lastWrite: ContinuousClock.Instant) throws -> Bool {
            try checkDeadline()
            guard let keepAlive else { return false }
            return ContinuousClock.now - lastWrite >= keepAlive
        }
    }

    static func response(
        headers: HTTPFields,
        streams: [AsyncThrowingStream<GenerationEvent, any Error>],
        includeUsage: Bool,
        settings: Settings,
        opening: @escaping @Sendable (inout [[UInt8]]) -> Void,
        event: @escaping @Sendable (Int, GenerationEvent) -> [UInt8],
        usage: @escaping @Sendable (GenerationUsage) -> [UInt8]
    ) -> Response {
        var headers = headers
        headers[.contentType] = "text/event-stream"
        headers[.cacheControl] = "no-cache"
        headers[.init("X-Accel-Buffering")!] = "no"
        let body = ResponseBody { writer in
            defer { settings.onFinish?() }
            let items = GenerationRunner.merge(
                streams, limit: settings.bufferLimit,
                tickEvery: settings.tickInterval)
            func send(_ bytes: [UInt8]) async throws {
                do {
                    try await writer.write(ByteBuffer(bytes: bytes))
                } catch {
                    throw WriteFailed()
                }
            }
            var first: [[UInt8]] = []
            opening(&first)
            for chunk in first { try await send(chunk) }
            var completionTokens = 0
            var cachedTokens = 0
            var timers = [TokenTimer](repeating: TokenTimer(metrics: settings.metrics, start: settings.start),
                                      count: streams.count)
            var output = [String](repeating: "", count: settings.logBodies ? streams.count : 0)
            var lastWrite = ContinuousClock.now
            do {
                for try await item in items {
                    switch item {
                    case .tick:
                        if try settings.keepAliveDue(lastWrite: lastWrite) {
                            try await send(SSEFrame.keepAlive)
                            lastWrite = .now
                        }
                    case .event(let index, let generationEvent):
                        try settings.checkDeadline()
                        switch generationEvent {
                        case .text(let text, _):
                            if index < timers.count { timers[index].text() }
                            if settings.logBodies, index < output.count { output[index] += text }
                        case .finished(_, let usage):
                            completionTokens += usage.completionTokens
                            if index == 0 { cachedTokens = usage.cachedTokens }
                            settings.metrics.generatedTokens.increment(by: Int64(usage.completionTokens))
                        }
                        let bytes = event(index, generationEvent)
                        if !bytes.isEmpty {
                            try await send(bytes)
                            lastWrite = .now
                        }
                    }
                }
            } catch is CancellationError, is WriteFailed {
                // The client went away: dropping `items` stops every generation before its next token.
                return
            } catch {
                try await send(settings.errorFrame?(error, settings.logger)
                    ?? ErrorMapping.sseFrame(error, logger: settings.logger))
            }
            settings.info.update { values in
                values.completionTokens = completionTokens
                if settings.logBodies { values.output = output.joined(separator: "\n---\n") }
            }
            if includeUsage {
                try await send(usage(GenerationUsage(promptTokens: 0, completionTokens: completionTokens,
                                                     cachedTokens: cachedTokens)))
            }
            if let done = settings.done { try await send(done) }
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: headers, body: body)
    }

    /// A write to the client failed: the connection is gone.
    private struct WriteFailed: Error {}
}
