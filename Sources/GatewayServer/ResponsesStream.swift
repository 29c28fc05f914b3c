import Foundation
import GatewayCore
import HTTPTypes
import Hummingbird
import OpenAIAPI

/// Writes one generation as the Responses API's event stream (see `ResponseStreamWriter`), the way `SSEStream`
/// writes chat chunks: each event flushed as it comes, an SSE comment every keep-alive interval, a timeout past the
/// request deadline. When the client goes away the write fails, the merged stream is dropped and the generation
/// stops before its next token (nothing is stored). A finished response is handed to `store` before its final
/// event, so a client that reads that event can continue the response at once; a failure there, or in the
/// generation, ends the stream with `response.failed`.
enum ResponsesStream {
    static func response(
        headers: HTTPFields,
        stream: AsyncThrowingStream<GenerationEvent, any Error>,
        writer initial: ResponseStreamWriter,
        calls: ToolCallStream?,
        promptTokens: Int,
        settings: SSEStream.Settings,
        store: @escaping @Sendable (ResponseObject) async throws -> Void
    ) -> Response {
        var headers = headers
        headers[.contentType] = "text/event-stream"
        headers[.cacheControl] = "no-cache"
        if let buffering = HTTPField.Name("X-Accel-Buffering") { headers[buffering] = "no" }
        let body = ResponseBody { output in
            defer { settings.onFinish?() }
            let items = GenerationRunner.merge(
                [stream], limit: settings.bufferLimit,
                tickEvery: settings.tickInterval)
            func send(_ bytes: [UInt8]) async throws {
                guard !bytes.isEmpty else { return }
                do {
                    try await output.write(ByteBuffer(bytes: bytes))
                } catch {
                    throw WriteFailed()
                }
            }
            var writer = initial
            var timer = TokenTimer(metrics: settings.metrics, start: settings.start)
            var lastWrite = ContinuousClock.now
            var text = ""
            var usage = GenerationUsage(promptTokens: promptTokens, completionTokens: 0)
            var truncated = false
            do {
                try await send(writer.start())
                for try await item in items {
                    switch item {
                    case .tick:
                        if try settings.keepAliveDue(lastWrite: lastWrite) {
                            try await send(SSEFrame.keepAlive)
                            lastWrite = .now
                        }
                    case .event(_, let event):
                        try settings.checkDeadline()
                        var bytes: [UInt8] = []
                        switch event {
                        case .text(let piece, _):
                            timer.text()
                            if settings.logBodies { text += piece }
                            bytes = writer.apply(calls?.events(for: event, index: 0).events ?? [.text(piece)])
                        case .finished(let reason, let generated):
                            usage.completionTokens = generated.completionTokens
                            usage.cachedTokens = generated.cachedTokens
                            settings.metrics.generatedTokens.increment(by: Int64(generated.completionTokens))
                            truncated = reason == .length
                            if let calls { bytes = writer.apply(calls.events(for: event, index: 0).events) }
                        }
                        try await send(bytes)
                        lastWrite = .now
                    }
                }
                settings.info.update { values in
                    values.completionTokens = usage.completionTokens
                    if settings.logBodies { values.output = text }
                }
                try await send(writer.closeOutput(truncated: truncated))
                let finished = writer.finish(usage: usage, truncated: truncated, at: Int(Date().timeIntervalSince1970))
                try await store(finished)
                try await send(writer.finalEvent())
            } catch is CancellationError, is WriteFailed {
                // The client went away: dropping `items` stops the generation before its next token.
                return
            } catch {
                let apiError = ErrorMapping.apiError(error, logger: settings.logger)
                let envelope = ErrorMapping.envelope(apiError)
                try await send(writer.fail(code: envelope.error.code ?? envelope.error.type,
                                           message: envelope.error.message))
            }
            try await output.finish(nil)
        }
        return Response(status: .ok, headers: headers, body: body)
    }

    /// A write to the client failed: the connection is gone.
    private struct WriteFailed: Error {}
}
