import GatewayCore
import Hummingbird
import OpenAIAPI

/// Writes generations as Server-Sent Events: opening chunks, one chunk per event flushed as it comes, an optional
/// usage chunk, then `data: [DONE]`. When the client goes away the write fails, the merged stream is dropped and
/// every generation stops before its next token.
enum SSEStream {
    static func response(
        headers: HTTPFields,
        streams: [AsyncThrowingStream<GenerationEvent, any Error>],
        includeUsage: Bool,
        opening: @escaping @Sendable (inout [[UInt8]]) -> Void,
        event: @escaping @Sendable (Int, GenerationEvent) -> [UInt8],
        usage: @escaping @Sendable (Int) -> [UInt8]
    ) -> Response {
        var headers = headers
        headers[.contentType] = "text/event-stream"
        headers[.cacheControl] = "no-cache"
        headers[.init("X-Accel-Buffering")!] = "no"
        let body = ResponseBody { writer in
            let merged = GenerationRunner.merge(streams)
            var first: [[UInt8]] = []
            opening(&first)
            for chunk in first { try await writer.write(ByteBuffer(bytes: chunk)) }
            var completionTokens = 0
            do {
                for try await (index, generationEvent) in merged {
                    if case .finished(_, let usage) = generationEvent { completionTokens += usage.completionTokens }
                    try await writer.write(ByteBuffer(bytes: event(index, generationEvent)))
                }
            } catch let error as GatewayError {
                try await writer.write(ByteBuffer(bytes: SSEFrame.error(error)))
            } catch is CancellationError {
                return
            } catch {
                try await writer.write(ByteBuffer(bytes: SSEFrame.error(
                    GatewayError(.internal, "The server had an error while generating"))))
            }
            if includeUsage { try await writer.write(ByteBuffer(bytes: usage(completionTokens))) }
            try await writer.write(ByteBuffer(bytes: SSEFrame.done))
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: headers, body: body)
    }
}
