import Foundation
import Testing
@testable import HubPull

@Suite struct FileMetadataTests {
    private func lookup(_ headers: [String: String]) -> (String) -> String? {
        { name in headers.first { $0.key.lowercased() == name.lowercased() }?.value }
    }

    @Test func etagsLoseQuotesAndWeakness() {
        #expect(FileMetadata.normalizeETag("\"abc\"") == "abc")
        #expect(FileMetadata.normalizeETag("W/\"abc\"") == "abc")
        #expect(FileMetadata.normalizeETag(" abc ") == "abc")
        #expect(FileMetadata.normalizeETag("\"") == "\"")
    }

    @Test func lfsRedirectCarriesTheChecksumAndSize() {
        let sha = String(repeating: "Ab", count: 32)
        let metadata = FileMetadata.parse(
            header: lookup(["X-Linked-Etag": "\"\(sha)\"", "X-Linked-Size": "22928619", "ETag": "\"gitsha\"",
                            "Content-Length": "1234", "Location": "https://cdn/x"]),
            requestURL: "https://hub/r/resolve/main/model.onnx", redirectTarget: "https://cdn/x")
        #expect(metadata == FileMetadata(etag: sha, sha256: sha.lowercased(), size: 22_928_619,
                                         location: "https://cdn/x"))
    }

    @Test func weakLinkedEtagIsStillAChecksum() {
        let sha = String(repeating: "0f", count: 32)
        let metadata = FileMetadata.parse(header: lookup(["x-linked-etag": "W/\"\(sha)\"", "content-length": "7"]),
                                          requestURL: "u", redirectTarget: nil)
        #expect(metadata.sha256 == sha)
        #expect(metadata.size == 7)
        #expect(metadata.location == "u")
    }

    @Test func smallFileHasAGitEtagAndNoChecksum() {
        let metadata = FileMetadata.parse(
            header: lookup(["ETag": "\"2f9618c3a19b9a61add74f70bfb121335aeef666\"", "Content-Length": "612"]),
            requestURL: "https://hub/r/resolve/main/config.json", redirectTarget: nil)
        #expect(metadata.etag == "2f9618c3a19b9a61add74f70bfb121335aeef666")
        #expect(metadata.sha256 == nil)
        #expect(metadata.size == 612)
    }

    @Test func redirectContentLengthIsNotTheFileSize() {
        let metadata = FileMetadata.parse(header: lookup(["Content-Length": "0", "Location": "/x"]),
                                          requestURL: "u", redirectTarget: "https://cdn/x")
        #expect(metadata.size == nil)
        #expect(FileMetadata.parse(header: lookup(["Content-Length": "-5"]), requestURL: "u",
                                   redirectTarget: nil).size == nil)
    }

    @Test func contentRange() {
        #expect(ContentRange("bytes 100-199/200") == ContentRange(start: 100, end: 199, total: 200))
        #expect(ContentRange("bytes 5-9/*")?.total == nil)
        #expect(ContentRange("bytes */200") == nil)
        #expect(ContentRange("items 1-2/3") == nil)
        #expect(ContentRange("bytes 9-5/10") == nil)
    }

    @Test func originsAndRedirectTargets() throws {
        let hub = try #require(URL(string: "http://127.0.0.1:8080/o/n/resolve/main/f"))
        #expect(HubURL.resolveLocation("/cdn/abc", against: hub)?.absoluteString == "http://127.0.0.1:8080/cdn/abc")
        #expect(HubURL.resolveLocation("ftp://x/y", against: hub) == nil)
        let same = try #require(URL(string: "http://127.0.0.1:8080/other"))
        let otherPort = try #require(URL(string: "http://127.0.0.1:8081/cdn"))
        #expect(HubURL.sameOrigin(hub, same))
        #expect(!HubURL.sameOrigin(hub, otherPort))
        let https = try #require(URL(string: "https://huggingface.co/x"))
        let httpsPort = try #require(URL(string: "https://HuggingFace.co:443/y"))
        #expect(HubURL.sameOrigin(https, httpsPort))
    }
}
