import Foundation
import GatewayCore
import Hummingbird
import OpenAIAPI

/// `POST /v1/messages` and `POST /v1/messages/count_tokens`: Anthropic's Messages API over the same engine, prompt
/// rendering and tool grammar as chat completions, answered in Anthropic's shapes (errors too, see
/// `ErrorMiddleware`).
struct MessagesRoutes: Sendable {
    let chat: ChatRoutes

    func create(_ request: Request, context: GatewayRequestContext) async throws -> Response {
        let body = try await JSONResponse.decode(AnthropicMessagesRequest.self, from: request,
                                                 limit: chat.state.configuration.maxBodyBytes)
        let generation = try await chat.startGeneration(
            ChatGenerationRequest(model: body.model, keepAlive: body.keepAlive, messages: body.messages, tools: body.tools,
                                  parameters: body.generationParameters(),
                                  grammarParam: body.grammar == nil ? "tools" : "output_config",
                                  stopParam: "stop_sequences"),
            context: context)
        let tools = generation.tools
        let writer = AnthropicMessageWriter(id: AnthropicMessageWriter.makeID(), model: generation.modelID)
        let prompt = generation.prompt
        guard body.stream else {
            defer { generation.lease.release() }
            let choices = try await GenerationRunner.gather(generation.streams, metrics: generation.metrics,
                                                            start: generation.start)
            GenerationRunner.record(choices, info: context.info, logBodies: chat.state.configuration.logBodies)
            let choice = choices.first ?? GatheredChoice()
            var blocks: [AnthropicMessageWriter.Block] = []
            var finish = choice.finishReason
            if let tools, tools.parsesCalls {
                let split = ToolCallStream.split(choice.text, reason: choice.finishReason, tools: tools,
                                                 idPrefix: "toolu_")
                if !split.text.isEmpty { blocks.append(.text(split.text)) }
                blocks += split.calls.map { .toolUse(id: $0.id, name: $0.name, input: $0.arguments) }
                finish = split.finish
            } else {
                blocks.append(.text(choice.text))
            }
            let bytes = writer.message(
                content: blocks,
                stopReason: AnthropicMessageWriter.stopReason(finish, stopSequence: choice.stopSequence),
                stopSequence: finish == .stop ? choice.stopSequence : nil,
                usage: GenerationUsage(promptTokens: prompt.count, completionTokens: choice.completionTokens,
                                       cachedTokens: choice.cachedTokens))
            return Response(status: .ok, headers: generation.headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
        }
        let blocks = BlockTracker(tools: tools)
        var settings = chat.streamSettings(context: context, metrics: generation.metrics, start: generation.start,
                                           lease: generation.lease)
        settings.done = nil
        settings.errorFrame = { error, logger in blocks.closeOpen(writer) + ErrorMapping.anthropicEvent(error, logger: logger) }
        return SSEStream.response(headers: generation.headers, streams: generation.streams, includeUsage: false,
                                  settings: settings) { frames in
            // The prefix cache's share is known only once the engine has placed the request: `message_delta`
            // carries it.
            frames.append(writer.messageStart(promptTokens: prompt.count, cachedTokens: 0))
            frames.append(AnthropicMessageWriter.ping)
        } event: { _, event in
            blocks.frames(for: event, writer: writer)
        } usage: { _ in [] }
    }

    func countTokens(_ request: Request, context: GatewayRequestContext) async throws -> Response {
        let body = try await JSONResponse.decode(AnthropicCountTokensRequest.self, from: request,
                                                 limit: chat.state.configuration.maxBodyBytes).request
        context.info.update { $0.model = body.model }
        try GenerationRunner.checkCount(body.messages.count, limit: chat.state.configuration.maxInputsPerRequest,
                                        param: "messages", what: "messages")
        let lease = try await chat.state.manager.chatEngine(id: body.model, keepAlive: nil,
                                                            requestLogger: context.logger)
        defer { lease.release() }
        let engine = lease.value
        let messages = body.messages
        let tools = body.tools
        try GenerationRunner.checkSize(bytes: ChatRoutes.size(messages, tools: tools),
                                       contextLength: engine.contextLength, param: "messages")
        let prompt = try await ErrorMapping.naming("messages") {
            try await BlockingWork.run { try engine.promptTokens(messages: messages, tools: tools) }
        }
        return Response(status: .ok, headers: [.contentType: "application/json"],
                        body: .init(byteBuffer: ByteBuffer(string: #"{"input_tokens":\#(prompt.count)}"#)))
    }
}

/// The content blocks of one streamed message: text opens a text block, a call closes it and opens a `tool_use`
/// block whose input streams as `input_json_delta`s; the end closes the open block and sends `message_delta` and
/// `message_stop`.
final class BlockTracker: @unchecked Sendable {
    private let lock = NSLock()
    private let calls: ToolCallStream?
    /// The index of the open block and whether it is text.
    private var open: (index: Int, text: Bool)?
    private var next = 0

    init(tools: ToolUse?) {
        calls = tools.flatMap { $0.parsesCalls ? ToolCallStream(tools: $0, count: 1, idPrefix: "toolu_") : nil }
    }

    func frames(for event: GenerationEvent, writer: AnthropicMessageWriter) -> [UInt8] {
        lock.lock()
        defer { lock.unlock() }
        var items: [ToolCallParser.Event]
        var finish: FinishReason?
        if let calls {
            let result = calls.events(for: event, index: 0)
            items = result.events
            finish = result.finish
        } else {
            switch event {
            case .text(let text, _): items = [.text(text)]
            case .finished(let reason, _):
                items = []
                finish = reason
            }
        }
        var bytes: [UInt8] = []
        for item in items {
            switch item {
            case .text(let text):
                if open?.text != true {
                    bytes += closeLocked(writer)
                    bytes += writer.textBlockStart(index: next)
                    open = (next, true)
                    next += 1
                }
                if let index = open?.index { bytes += writer.textDelta(index: index, text: text) }
            case .callStart(_, let id, let name):
                bytes += closeLocked(writer)
                bytes += writer.toolUseBlockStart(index: next, id: id, name: name)
                open = (next, false)
                next += 1
            case .arguments(_, let fragment):
                if let index = open?.index { bytes += writer.inputJSONDelta(index: index, partial: fragment) }
            }
        }
        if let finish, case .finished(_, let usage) = event {
            if next == 0 {
                // Anthropic always sends at least one content block.
                bytes += writer.textBlockStart(index: 0)
                open = (0, true)
                next = 1
            }
            bytes += closeLocked(writer)
            bytes += writer.messageEnd(
                stopReason: AnthropicMessageWriter.stopReason(finish, stopSequence: usage.stopSequence),
                stopSequence: finish == .stop ? usage.stopSequence : nil, usage: usage)
        }
        return bytes
    }

    /// Closes the open block (before an error event).
    func closeOpen(_ writer: AnthropicMessageWriter) -> [UInt8] {
        lock.lock()
        defer { lock.unlock() }
        return closeLocked(writer)
    }

    private func closeLocked(_ writer: AnthropicMessageWriter) -> [UInt8] {
        guard let current = open else { return [] }
        open = nil
        return writer.blockStop(index: current.index)
    }
}
