import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1

/// The Hub's HTTP API as the puller needs it: the file list of a revision, one file's metadata (`HEAD` without
/// following redirects off the Hub), and a download stream (following redirects, sending the token only to the
/// Hub's own origin). Statuses become `PullError`s or `TransientFailure`s (worth another try) here and nowhere else.
struct HubClient: Sendable {
    let http: HTTPClient
    let request: PullRequest
    let endpoint: URL
    let logger: Logger
    static let maxTries = 5
    static let maxRedirects = 5

    init(http: HTTPClient, request: PullRequest, logger: Logger) throws {
        guard let endpoint = HubURL.parse(request.endpoint) else {
            throw PullError(.invalidRequest, "invalid Hub endpoint '\(request.endpoint)'")
        }
        self.http = http
        self.request = request
        self.endpoint = endpoint
        self.logger = logger
    }

    /// The commit and file list of the request's revision.
    func listing() async throws -> RepoListing {
        let url = HubURL.listing(endpoint: request.endpoint, repository: request.repository,
                                 revision: request.revision)
        let what = "reading the file list of \(request.repository) from \(request.endpoint)"
        return try await Self.retrying(what: what) {
            let response = try await execute(url: url, method: .GET, timeout: .seconds(60))
            guard response.status == .ok else {
                _ = try? await response.body.collect(upTo: 1 << 16)
                throw failure(status: response.status.code, headers: response.headers, file: nil)
            }
            let body = try await readBody(response, limit: 64 << 20)
            do {
                return try JSONDecoder().decode(RepoListing.self, from: Data(body.readableBytesView))
            } catch {
                throw PullError(.network, "the Hub's file list of \(request.repository) is not valid JSON"
                                + " (is HF_ENDPOINT a Hugging Face Hub?)")
            }
        }
    }

    /// `HEAD {endpoint}/{repo}/resolve/{revision}/{path}`: follows redirects that stay on the Hub's origin (a renamed
    /// repo) and stops at one that leaves it (the CDN), whose answer carries the LFS etag and size.
    func metadata(path: String, revision: String) async throws -> FileMetadata {
        let start = HubURL.resolve(endpoint: request.endpoint, repository: request.repository, revision: revision,
                                   path: path)
        return try await Self.retrying(what: "reading the metadata of \(path)") {
            var url = start
            for _ in 0...Self.maxRedirects {
                let response = try await execute(url: url, method: .HEAD, timeout: .seconds(60))
                let heads = response.history.map(\.responseHead.headers) + [response.headers]
                // A client that follows redirects itself hands back the CDN's answer: the Hub's headers are in its
                // history.
                let header: (String) -> String? = { name in
                    if name.hasPrefix("X-Linked") { return heads.lazy.compactMap { $0.first(name: name) }.first }
                    return response.headers.first(name: name)
                }
                let finalURL = response.url?.absoluteString ?? url
                switch response.status.code {
                case 200..<300:
                    return FileMetadata.parse(header: header, requestURL: finalURL, redirectTarget: nil)
                case 301, 302, 303, 307, 308:
                    guard let base = URL(string: finalURL), let location = response.headers.first(name: "Location"),
                          let target = HubURL.resolveLocation(location, against: base)
                    else {
                        throw PullError(.network, "the Hub redirected \(path) without a valid Location")
                    }
                    if HubURL.sameOrigin(target, endpoint) {
                        url = target.absoluteString
                        continue
                    }
                    return FileMetadata.parse(header: header, requestURL: finalURL,
                                              redirectTarget: target.absoluteString)
                default:
                    throw failure(status: response.status.code, headers: response.headers, file: path)
                }
            }
            throw PullError(.network, "too many redirects for \(path)")
        }
    }

    /// Starts a download of `location` from byte `offset` (a `Range` request when not 0), following redirects.
    /// Returns the answer when its status is 200, 206 or 416; the caller reads the body.
    func download(location: String, offset: Int64, path: String) async throws -> HTTPClientResponse {
        var url = location
        for _ in 0...Self.maxRedirects {
            var headers: [(String, String)] = []
            if offset > 0 { headers.append(("Range", "bytes=\(offset)-")) }
            let response = try await execute(url: url, method: .GET, timeout: .hours(24), extraHeaders: headers)
            switch response.status.code {
            case 200, 206, 416:
                return response
            case 301, 302, 303, 307, 308:
                _ = try? await response.body.collect(upTo: 1 << 16)
                guard let base = URL(string: url), let location = response.headers.first(name: "Location"),
                      let target = HubURL.resolveLocation(location, against: base)
                else {
                    throw PullError(.network, "the Hub redirected \(path) without a valid Location")
                }
                url = target.absoluteString
            default:
                _ = try? await response.body.collect(upTo: 1 << 16)
                throw failure(status: response.status.code, headers: response.headers, file: path)
            }
        }
        throw PullError(.network, "too many redirects for \(path)")
    }

    /// Runs one request; the token goes only to the Hub's origin. Transport errors become `TransientFailure`.
    private func execute(url: String, method: HTTPMethod, timeout: TimeAmount,
                         extraHeaders: [(String, String)] = []) async throws -> HTTPClientResponse {
        var outgoing = HTTPClientRequest(url: url)
        outgoing.method = method
        outgoing.headers.add(name: "User-Agent", value: "ai-gateway/0.1.0; hub-pull")
        outgoing.headers.add(name: "Accept-Encoding", value: "identity")
        if let token = request.token, let target = URL(string: url), HubURL.sameOrigin(target, endpoint) {
            outgoing.headers.add(name: "Authorization", value: "Bearer \(token)")
        }
        for (name, value) in extraHeaders { outgoing.headers.add(name: name, value: value) }
        logger.debug("hub request", metadata: ["method": "\(method.rawValue)", "url": "\(url)"])
        do {
            return try await http.execute(outgoing, timeout: timeout, logger: logger)
        } catch {
            if Task.isCancelled { throw CancellationError() }
            throw TransientFailure(reason: NetworkErrorText.describe(error))
        }
    }

    private func readBody(_ response: HTTPClientResponse, limit: Int) async throws -> ByteBuffer {
        do {
            return try await response.body.collect(upTo: limit)
        } catch {
            if Task.isCancelled { throw CancellationError() }
            throw TransientFailure(reason: NetworkErrorText.describe(error))
        }
    }

    /// The error of a non-success status; `file` is nil for the listing.
    func failure(status: UInt, headers: HTTPHeaders, file: String?) -> Error {
        HubStatus.failure(status: status, errorCode: headers.first(name: "X-Error-Code"),
                          repository: request.repository, revision: request.revision, file: file,
                          hasToken: request.token != nil)
    }

    /// Runs `body` up to `maxTries` times while it fails with a `TransientFailure`, waiting 0.2 s, 0.4 s, … between.
    static func retrying<T>(what: String, _ body: () async throws -> T) async throws -> T {
        var tries = 0
        while true {
            do {
                return try await body()
            } catch let failure as TransientFailure {
                tries += 1
                guard tries < maxTries else {
                    throw PullError(.network, "\(what) failed after \(maxTries) tries: \(failure.reason)")
                }
                try await Task.sleep(nanoseconds: backoffNanoseconds(afterFailure: tries))
            }
        }
    }

    /// 0.2 s after the first failure, doubling each time.
    static func backoffNanoseconds(afterFailure failures: Int) -> UInt64 {
        200_000_000 << UInt64(min(max(failures - 1, 0), 6))
    }
}

/// The Hub's answer of `GET /api/models/{repo}/revision/{rev}`, as far as the puller reads it.
struct RepoListing: Decodable, Sendable {
    struct Sibling: Decodable, Sendable {
        let rfilename: String
    }

    let sha: String?
    let siblings: [Sibling]?
}
