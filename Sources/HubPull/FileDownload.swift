import AsyncHTTPClient
import Foundation
import NIOCore

/// Downloads one file into the staging folder: streams the body to disk, resumes with `Range: bytes=N-` after a cut
/// (up to `HubClient.maxTries` tries in a row without progress, backing off 0.2 s, 0.4 s, …), then checks the size
/// and, for LFS files, the sha256. A checksum mismatch deletes the file.
struct FileDownload: Sendable {
    let client: HubClient
    let path: String
    let destination: URL
    let metadata: FileMetadata
    /// Called with the bytes on disk, at most every 100 ms and once at the end of each try.
    let report: @Sendable (Int64) -> Void

    func run() async throws {
        let sink = try FileSink(url: destination, path: path, hashing: metadata.sha256 != nil)
        var failures = 0
        do {
            while true {
                try Task.checkCancellation()
                let before = sink.written
                do {
                    try await attempt(sink)
                    break
                } catch let failure as TransientFailure {
                    if sink.written > before { failures = 0 }
                    failures += 1
                    guard failures < HubClient.maxTries else {
                        throw PullError(.network, "download of \(path) failed after \(HubClient.maxTries) tries:"
                                        + " \(failure.reason)")
                    }
                    client.logger.debug("download retry", metadata: [
                        "file": "\(path)", "bytes": "\(sink.written)", "reason": "\(failure.reason)",
                    ])
                    try await Task.sleep(nanoseconds: HubClient.backoffNanoseconds(afterFailure: failures))
                }
            }
            let digest = try await sink.finish()
            if let expected = metadata.sha256, let digest, digest != expected {
                sink.remove()
                throw PullError(.checksumMismatch, "checksum mismatch for \(path): expected sha256 \(expected), got"
                                + " \(digest)")
            }
        } catch {
            sink.remove()
            throw error
        }
    }

    /// One GET from the bytes already on disk to the end.
    private func attempt(_ sink: FileSink) async throws {
        let offset = sink.written
        let size = metadata.size
        let response = try await client.download(location: metadata.location, offset: offset, path: path)
        switch response.status.code {
        case 206:
            let range = response.headers.first(name: "Content-Range").flatMap(ContentRange.init)
            guard let range, range.start == offset else {
                _ = try? await response.body.collect(upTo: 1 << 16)
                try await sink.truncate()
                throw TransientFailure(reason: "the server answered another range than bytes=\(offset)-")
            }
        case 416:
            _ = try? await response.body.collect(upTo: 1 << 16)
            if let size, offset == size { return }
            try await sink.truncate()
            throw TransientFailure(reason: "the server refused the range bytes=\(offset)-")
        default:
            if offset > 0 { try await sink.truncate() }
        }
        report(sink.written)
        var lastReport = DispatchTime.now().uptimeNanoseconds
        do {
            for try await buffer in response.body {
                if let size, sink.written + Int64(buffer.readableBytes) > size {
                    throw PullError(.checksumMismatch, "size mismatch for \(path): the Hub sent more than the"
                                    + " \(size) bytes it announced")
                }
                try await sink.append(buffer)
                let now = DispatchTime.now().uptimeNanoseconds
                if now - lastReport >= 100_000_000 {
                    lastReport = now
                    report(sink.written)
                }
            }
        } catch let error as PullError {
            throw error
        } catch {
            report(sink.written)
            if Task.isCancelled { throw CancellationError() }
            throw TransientFailure(reason: NetworkErrorText.describe(error))
        }
        report(sink.written)
        if let size, sink.written < size {
            throw TransientFailure(reason: "the connection closed after \(sink.written) of \(size) bytes")
        }
    }
}

/// `Content-Range: bytes START-END/TOTAL` (TOTAL may be `*`).
struct ContentRange: Equatable {
    let start: Int64
    let end: Int64
    let total: Int64?

    init(start: Int64, end: Int64, total: Int64?) {
        self.start = start
        self.end = end
        self.total = total
    }

    init?(_ header: String) {
        let text = header.trimmingWhitespace()
        guard text.hasPrefix("bytes ") else { return nil }
        let parts = text.dropFirst("bytes ".count).split(separator: "/", maxSplits: 1)
        guard parts.count == 2 else { return nil }
        let bounds = parts[0].split(separator: "-", maxSplits: 1)
        guard bounds.count == 2, let start = Int64(bounds[0]), let end = Int64(bounds[1]), start >= 0, end >= start
        else { return nil }
        self.start = start
        self.end = end
        total = parts[1] == "*" ? nil : Int64(parts[1])
    }
}
