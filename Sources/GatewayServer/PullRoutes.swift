import AsyncHTTPClient
import Foundation
import GatewayCore
import HubPull
import Hummingbird
import Logging
import OpenAIAPI

/// `POST /v1/models/pull`: downloads a model folder from the Hugging Face Hub (`HF_ENDPOINT`, `HF_TOKEN` of the
/// server's environment) into the models folder, with progress as server-sent events for UIs; the model is served
/// as soon as the last event says `success`. A client that goes away cancels the pull, and nothing partial is left.
struct PullRoutes: Sendable {
    let state: GatewayState

    /// The client for the Hub: redirects are followed by the puller itself (the token only goes to the Hub), and a
    /// connection that cannot be made fails at once (the puller retries with its own back-off).
    static let client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup,
                                   configuration: HubPuller.clientConfiguration())

    func pull(_ request: Request, context: GatewayRequestContext) async throws -> Response {
        let body = try await JSONResponse.decode(ModelPullRequest.self, from: request, limit: 64 * 1024)
        let environment = ProcessInfo.processInfo.environment
        let pullRequest: PullRequest
        do {
            pullRequest = try PullRequest(
                repository: body.model, revision: body.revision, include: body.include, name: body.name,
                endpoint: environment["HF_ENDPOINT"].flatMap { $0.isEmpty ? nil : $0 } ?? "https://huggingface.co",
                token: environment["HF_TOKEN"].flatMap { $0.isEmpty ? nil : $0 },
                modelsDirectory: state.configuration.modelsDirectory
            ).validated()
        } catch let error as PullError {
            throw Self.apiError(error)
        }
        context.info.update { $0.model = pullRequest.folderName }
        let target = URL(fileURLWithPath: state.configuration.modelsDirectory)
            .appendingPathComponent(pullRequest.folderName)
        if FileManager.default.fileExists(atPath: target.path) {
            throw APIError(.conflict, "A model folder named '\(pullRequest.folderName)' already exists; remove it or "
                               + "pull with another \"name\"", param: "name", code: "model_exists")
        }
        let importer = try? GGUFImporter.locate(python: environment["AIGW_PYTHON"])
        let puller = HubPuller(httpClient: Self.client, importer: importer, logger: context.logger)
        let manager = state.manager
        guard body.stream else {
            let directory: String
            do {
                directory = try await puller.pull(pullRequest) { _ in }
            } catch let error as PullError {
                throw Self.apiError(error)
            }
            manager.refreshCatalog()
            return JSONResponse.make(PullStatus.success(name: pullRequest.folderName, directory: directory))
        }
        let (events, continuation) = AsyncStream.makeStream(of: [UInt8].self, bufferingPolicy: .bufferingNewest(256))
        let logger = context.logger
        let task = Task {
            do {
                let directory = try await puller.pull(pullRequest) { event in
                    continuation.yield(SSEFrame.data(PullStatus(event).jsonBytes()))
                }
                manager.refreshCatalog()
                continuation.yield(SSEFrame.data(
                    PullStatus.success(name: pullRequest.folderName, directory: directory).jsonBytes()))
                continuation.yield(SSEFrame.done)
            } catch let error as PullError {
                logger.error("pull of \(pullRequest.repository) failed: \(error.message)")
                continuation.yield(SSEFrame.error(ErrorMapping.envelope(Self.apiError(error))))
            } catch {
                continuation.yield(ErrorMapping.sseFrame(error, logger: logger))
            }
            continuation.finish()
        }
        let headers: HTTPFields = [.contentType: "text/event-stream", .cacheControl: "no-cache"]
        return Response(status: .ok, headers: headers, body: ResponseBody { writer in
            // The client going away (a failed write, or this task cancelled) cancels the pull.
            await withTaskCancellationHandler {
                do {
                    for await frame in events { try await writer.write(ByteBuffer(bytes: frame)) }
                    try await writer.finish(nil)
                } catch {
                    task.cancel()
                }
            } onCancel: {
                task.cancel()
            }
            _ = await task.result
        })
    }

    /// A pull failure as the client sees it.
    static func apiError(_ error: PullError) -> APIError {
        let code = error.kind.rawValue
        switch error.kind {
        case .invalidRequest: return .invalidRequest(error.message, param: "model", code: "invalid_value")
        case .notFound: return APIError(.notFound, error.message, code: "hub_not_found")
        case .alreadyExists: return APIError(.conflict, error.message, param: "name", code: "model_exists")
        case .unauthorized, .network, .checksumMismatch: return APIError(.badGateway, error.message, code: "hub_\(code)")
        case .diskFull: return APIError(.insufficientStorage, error.message, code: code)
        case .io, .importFailed: return APIError(.internal, error.message, code: code)
        }
    }
}

/// One progress event of a pull (Ollama's shape: `status`, then what it is about).
struct PullStatus: Encodable {
    var status: String
    var file: String?
    var revision: String?
    var files: [File]?
    var completed: Int64?
    var total: Int64?
    var fileCompleted: Int64?
    var fileTotal: Int64?
    var bytesPerSecond: Double?
    var etaSeconds: Double?
    var model: String?
    var directory: String?

    struct File: Encodable {
        var path: String
        var size: Int64
    }

    enum CodingKeys: String, CodingKey {
        case status, file, revision, files, completed, total, model, directory
        case fileCompleted = "file_completed"
        case fileTotal = "file_total"
        case bytesPerSecond = "bytes_per_second"
        case etaSeconds = "eta_seconds"
    }

    init(status: String) { self.status = status }

    init(_ event: PullEvent) {
        switch event {
        case .resolved(let revision, let files):
            status = "resolved"
            self.revision = revision
            self.files = files.map { File(path: $0.path, size: $0.size) }
            total = files.reduce(0) { $0 + max(0, $1.size) }
        case .progress(let progress):
            status = "downloading"
            file = progress.file
            completed = progress.completed
            total = progress.total
            fileCompleted = progress.fileCompleted
            fileTotal = progress.fileTotal
            bytesPerSecond = (progress.bytesPerSecond * 10).rounded() / 10
            etaSeconds = progress.etaSeconds.map { ($0 * 10).rounded() / 10 }
        case .fileDone(let path):
            status = "verified"
            file = path
        case .importing(let path):
            status = "importing"
            file = path
        case .finished(let name, let directory):
            status = "moved"
            model = name
            self.directory = directory
        }
    }

    static func success(name: String, directory: String) -> PullStatus {
        var status = PullStatus(status: "success")
        status.model = name
        status.directory = directory
        return status
    }

    func jsonBytes() -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array((try? encoder.encode(self)) ?? Data(#"{"status":"unknown"}"#.utf8))
    }
}
