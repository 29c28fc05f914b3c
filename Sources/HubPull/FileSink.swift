import Dispatch
import Foundation
import NIOCore

/// One file being written: appends chunks and feeds the SHA-256 as they arrive, on a dispatch queue so neither the
/// blocking writes nor the hashing park Swift's cooperative pool. One download drives it at a time.
final class FileSink: @unchecked Sendable {
    private struct State {
        var handle: FileHandle?
        var hasher: SHA256Hasher?
        var written: Int64 = 0
    }

    private static let queue = DispatchQueue(label: "ai-gateway.pull.files", qos: .utility, attributes: .concurrent)
    let url: URL
    let path: String
    private let hashing: Bool
    private let state: Locked<State>

    /// Creates (or empties) the file at `url`; `path` names it in errors.
    init(url: URL, path: String, hashing: Bool) throws {
        self.url = url
        self.path = path
        self.hashing = hashing
        do {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(),
                                                    withIntermediateDirectories: true)
            guard FileManager.default.createFile(atPath: url.path, contents: nil) else {
                throw CocoaError(.fileWriteUnknown)
            }
            let handle = try FileHandle(forWritingTo: url)
            state = Locked(State(handle: handle, hasher: hashing ? SHA256Hasher() : nil))
        } catch {
            throw FileSink.failure(error, path: path)
        }
    }

    deinit {
        state.withLock { try? $0.handle?.close() }
    }

    /// The bytes on disk.
    var written: Int64 { state.withLock { $0.written } }

    func append(_ buffer: ByteBuffer) async throws {
        try await run { state in
            guard let handle = state.handle else { throw CocoaError(.fileWriteUnknown) }
            try buffer.withUnsafeReadableBytes { bytes in
                try handle.write(contentsOf: bytes)
                state.hasher?.update(buffer: bytes)
            }
            state.written += Int64(buffer.readableBytes)
        }
    }

    /// Starts the file over (the server ignored a `Range`).
    func truncate() async throws {
        let hashing = self.hashing
        try await run { state in
            guard let handle = state.handle else { throw CocoaError(.fileWriteUnknown) }
            try handle.truncate(atOffset: 0)
            try handle.seek(toOffset: 0)
            state.written = 0
            state.hasher = hashing ? SHA256Hasher() : nil
        }
    }

    /// Flushes and closes the file; returns the sha256 of its bytes when hashing.
    func finish() async throws -> String? {
        try await run { state in
            try state.handle?.synchronize()
            try state.handle?.close()
            state.handle = nil
            return state.hasher?.hexDigest()
        }
    }

    func remove() {
        state.withLock { state in
            try? state.handle?.close()
            state.handle = nil
        }
        try? FileManager.default.removeItem(at: url)
    }

    private func run<T: Sendable>(_ work: @escaping @Sendable (inout State) throws -> T) async throws -> T {
        let state = self.state
        let path = self.path
        return try await withCheckedThrowingContinuation { continuation in
            FileSink.queue.async {
                continuation.resume(with: Result {
                    do {
                        return try state.withLock { try work(&$0) }
                    } catch {
                        throw FileSink.failure(error, path: path)
                    }
                })
            }
        }
    }

    /// ENOSPC (and quota) becomes `.diskFull`, anything else `.io`.
    static func failure(_ error: Error, path: String) -> PullError {
        if let error = error as? PullError { return error }
        let ns = error as NSError
        let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError
        let full = (ns.domain == NSCocoaErrorDomain && ns.code == CocoaError.fileWriteOutOfSpace.rawValue)
            || [ns, underlying].contains { $0?.domain == NSPOSIXErrorDomain && ($0?.code == Int(ENOSPC)
                || $0?.code == Int(EDQUOT)) }
        if full {
            return PullError(.diskFull, "disk full while writing \(path): free some space and pull again")
        }
        let reason = underlying?.localizedDescription ?? ns.localizedDescription
        return PullError(.io, "cannot write \(path): \(reason)")
    }
}
