import AsyncHTTPClient
import Dispatch
import Foundation
import Logging

/// Pulls a model from the Hugging Face Hub into the models folder: lists the revision, picks files by glob, downloads
/// them in parallel into a hidden staging folder (resuming cut transfers, verifying sizes and LFS checksums) and
/// moves the folder into place only when all of it is there; a single `.gguf` is imported instead.
///
/// Give it a client made with `HubPuller.clientConfiguration()`: the puller follows redirects itself, sending the
/// token to the Hub's origin only, and retries failed connections with its own back-off. Other clients work too
/// (one that follows redirects, one that retries connections until its connect timeout), only less well.
public struct HubPuller: Sendable {
    let httpClient: HTTPClient
    let importer: GGUFImporter?
    let logger: Logger

    public init(httpClient: HTTPClient, importer: GGUFImporter? = nil, logger: Logger) {
        self.httpClient = httpClient
        self.importer = importer
        self.logger = logger
    }

    /// Downloads, verifies and moves the folder into place; returns the final directory. Honours task cancellation
    /// (deletes the temporary folder). Events are delivered in order, from the calling task.
    public func pull(_ request: PullRequest, events: @escaping @Sendable (PullEvent) -> Void) async throws -> String {
        let request = try request.validated()
        let name = request.folderName
        let models = URL(fileURLWithPath: request.modelsDirectory, isDirectory: true).standardizedFileURL
        let target = models.appendingPathComponent(name, isDirectory: true)
        if FileManager.default.fileExists(atPath: target.path) { throw Self.alreadyExists(name, target) }
        var logger = self.logger
        logger[metadataKey: "repository"] = "\(request.repository)"
        let client = try HubClient(http: httpClient, request: request, logger: logger)

        let listing = try await client.listing()
        guard let siblings = listing.siblings else {
            throw PullError(.network, "the Hub's answer for \(request.repository) has no file list")
        }
        let plan = try PullPlan.make(files: siblings.map(\.rfilename), include: request.include,
                                     repository: request.repository, revision: request.revision)
        if plan.isGGUF && importer == nil {
            throw PullError(.importFailed, "\(plan.items[0].path) is a GGUF file and the GGUF importer is not"
                            + " available here (run scripts/setup in the project checkout)")
        }
        let commit = listing.sha.flatMap { Self.isCommit($0) ? $0 : nil }
        let metadata = try await fetchMetadata(plan.items.map(\.path), revision: commit ?? request.revision,
                                               client: client, parallel: request.parallelDownloads)
        let files = zip(plan.items, metadata).map { PulledFile(path: $0.path, size: $1.size ?? -1) }
        events(.resolved(revision: commit ?? request.revision, files: files))
        logger.info("pulling", metadata: ["files": "\(files.count)", "bytes": "\(files.map(\.size).reduce(0, +))"])

        let staging = try StagingFolder.create(in: models, name: name)
        do {
            try await download(plan: plan, metadata: metadata, files: files, staging: staging, client: client,
                               parallel: request.parallelDownloads, events: events)
            try Task.checkCancellation()
            if plan.isGGUF, let importer, let item = plan.items.first {
                events(.importing(file: item.path))
                if FileManager.default.fileExists(atPath: target.path) { throw Self.alreadyExists(name, target) }
                try await importer.importModel(file: staging.file(item.local).path,
                                               modelsDirectory: models.path, name: name)
                staging.remove()
            } else {
                try staging.commit(to: target, name: name)
            }
        } catch {
            staging.remove()
            logger.debug("pull failed", metadata: ["error": "\(error)"])
            throw error
        }
        events(.finished(name: name, directory: target.path))
        return target.path
    }

    static func alreadyExists(_ name: String, _ target: URL) -> PullError {
        PullError(.alreadyExists, "model '\(name)' at \(target.path) already exists; remove it or pass --name")
    }

    static func isCommit(_ text: String) -> Bool {
        text.utf8.count == 40 && text.unicodeScalars.allSatisfy { $0.properties.isASCIIHexDigit }
    }

    /// `HEAD` of every file, `parallel` at a time, in the order given.
    private func fetchMetadata(_ paths: [String], revision: String, client: HubClient,
                               parallel: Int) async throws -> [FileMetadata] {
        try await withThrowingTaskGroup(of: (Int, FileMetadata).self) { group in
            var results = [FileMetadata?](repeating: nil, count: paths.count)
            for (index, path) in paths.enumerated() {
                if index >= parallel, let (done, metadata) = try await group.next() { results[done] = metadata }
                group.addTask { (index, try await client.metadata(path: path, revision: revision)) }
            }
            for try await (done, metadata) in group { results[done] = metadata }
            return results.compactMap { $0 }
        }
    }

    /// What a download task tells the pulling task.
    private enum Report: Sendable {
        case started(path: String)
        case bytes(path: String, onDisk: Int64)
        case done(path: String)
    }

    /// Downloads every file, `parallel` at a time; the calling task turns the reports into events.
    private func download(plan: PullPlan, metadata: [FileMetadata], files: [PulledFile], staging: StagingFolder,
                          client: HubClient, parallel: Int,
                          events: @escaping @Sendable (PullEvent) -> Void) async throws {
        let (reports, continuation) = AsyncStream<Report>.makeStream()
        try await withThrowingTaskGroup(of: Void.self) { outer in
            outer.addTask {
                defer { continuation.finish() }
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for (index, item) in plan.items.enumerated() {
                        if index >= parallel { try await group.next() }
                        let download = FileDownload(
                            client: client, path: item.path, destination: staging.file(item.local),
                            metadata: metadata[index],
                            report: { continuation.yield(.bytes(path: item.path, onDisk: $0)) })
                        group.addTask {
                            continuation.yield(.started(path: item.path))
                            try await download.run()
                            continuation.yield(.done(path: item.path))
                        }
                    }
                    try await group.waitForAll()
                }
            }
            var progress = TransferProgress(files: files)
            for await report in reports {
                let now = Double(DispatchTime.now().uptimeNanoseconds) / 1e9
                switch report {
                case .started(let path):
                    progress.update(path: path, bytes: 0, now: now)
                    events(.progress(progress.snapshot(path: path)))
                case .bytes(let path, let onDisk):
                    progress.update(path: path, bytes: onDisk, now: now)
                    if progress.takeEmitSlot(now: now) { events(.progress(progress.snapshot(path: path))) }
                case .done(let path):
                    events(.fileDone(path: path))
                }
            }
            try await outer.waitForAll()
        }
    }
}
