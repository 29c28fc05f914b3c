import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An HTTP/1.1 response read off a real socket.
struct RawHTTPResponse: Sendable {
    let status: Int
    /// Header names lowercased.
    let headers: [String: String]
    let body: Data

    var bodyText: String { String(decoding: body, as: UTF8.self) }
}

/// Errors of the raw socket client.
struct RawHTTPError: Error, CustomStringConvertible {
    let description: String
}

/// A minimal blocking HTTP/1.1 client on a POSIX socket, for what Hummingbird's test client cannot send (a chunked
/// body) and for the `ai-gateway serve` process. Blocking calls run on a dispatch thread, never on Swift's pool.
enum RawHTTP {
    /// A port on 127.0.0.1 that was free a moment ago (bound to port 0, read back, closed).
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw RawHTTPError(description: "socket() failed: errno \(errno)") }
        defer { close(fd) }
        var address = loopback(port: 0)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0 else { throw RawHTTPError(description: "bind() failed: errno \(errno)") }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard named == 0 else { throw RawHTTPError(description: "getsockname() failed: errno \(errno)") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Sends `head` lines (request line and headers, without the blank line) and `body` as they are, and reads
    /// the response. A body the server refuses part-way is not an error: the response is still read.
    static func perform(port: Int, head: [String], body: [UInt8] = [], timeoutSeconds: Int = 20) async throws
        -> RawHTTPResponse
    {
        let request = Array((head.joined(separator: "\r\n") + "\r\n\r\n").utf8) + body
        return try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result {
                    try exchange(port: port, request: request, timeoutSeconds: timeoutSeconds)
                })
            }
        }
    }

    /// `GET path` with `Connection: close`.
    static func get(port: Int, path: String) async throws -> RawHTTPResponse {
        try await perform(port: port, head: ["GET \(path) HTTP/1.1", "Host: 127.0.0.1:\(port)", "Connection: close"])
    }

    /// Wraps `body` as chunked transfer coding in chunks of `chunkSize` bytes.
    static func chunked(_ body: [UInt8], chunkSize: Int = 1000) -> [UInt8] {
        var out: [UInt8] = []
        var start = 0
        while start < body.count {
            let end = min(start + chunkSize, body.count)
            out += Array("\(String(end - start, radix: 16))\r\n".utf8) + body[start..<end] + Array("\r\n".utf8)
            start = end
        }
        return out + Array("0\r\n\r\n".utf8)
    }

    private static func loopback(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return address
    }

    private static func exchange(port: Int, request: [UInt8], timeoutSeconds: Int) throws -> RawHTTPResponse {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw RawHTTPError(description: "socket() failed: errno \(errno)") }
        defer { close(fd) }
        var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = loopback(port: port)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else { throw RawHTTPError(description: "connect to port \(port) failed: errno \(errno)") }
        var sent = 0
        while sent < request.count {
            let count = request[sent...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if count <= 0 { break }  // the server stopped reading (it answered early); read what it sent
            sent += count
        }
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            if let response = try parse(received) { return response }
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count < 0 && errno == EINTR { continue }
            if count <= 0 {
                if let response = try parse(received, complete: true) { return response }
                throw RawHTTPError(description: "connection ended after \(received.count) bytes (errno \(errno))")
            }
            received += buffer[0..<count]
        }
    }

    /// The response in `bytes` once it is whole (by Content-Length, chunked coding or, at `complete`, the close).
    private static func parse(_ bytes: [UInt8], complete: Bool = false) throws -> RawHTTPResponse? {
        let separator: [UInt8] = Array("\r\n\r\n".utf8)
        guard let end = firstIndex(of: separator, in: bytes, from: 0) else { return nil }
        let lines = String(decoding: bytes[0..<end], as: UTF8.self).components(separatedBy: "\r\n")
        let statusParts = lines[0].split(separator: " ")
        guard statusParts.count >= 2, let status = Int(statusParts[1]) else {
            throw RawHTTPError(description: "bad status line: \(lines[0])")
        }
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...]
                .trimmingCharacters(in: .whitespaces)
        }
        let rest = Array(bytes[(end + 4)...])
        if let length = headers["content-length"].flatMap(Int.init) {
            guard rest.count >= length else { return nil }
            return RawHTTPResponse(status: status, headers: headers, body: Data(rest.prefix(length)))
        }
        if headers["transfer-encoding"]?.lowercased() == "chunked" {
            var body: [UInt8] = []
            var position = 0
            while true {
                guard let lineEnd = firstIndex(of: Array("\r\n".utf8), in: rest, from: position) else { return nil }
                let sizeText = String(decoding: rest[position..<lineEnd], as: UTF8.self).split(separator: ";").first
                guard let size = sizeText.flatMap({ Int($0.trimmingCharacters(in: .whitespaces), radix: 16) }) else {
                    throw RawHTTPError(description: "bad chunk size")
                }
                let dataStart = lineEnd + 2
                guard rest.count >= dataStart + size + 2 else { return nil }
                if size == 0 { return RawHTTPResponse(status: status, headers: headers, body: Data(body)) }
                body += rest[dataStart..<(dataStart + size)]
                position = dataStart + size + 2
            }
        }
        return complete ? RawHTTPResponse(status: status, headers: headers, body: Data(rest)) : nil
    }

    private static func firstIndex(of needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard haystack.count >= needle.count, start <= haystack.count - needle.count else { return nil }
        for index in start...(haystack.count - needle.count)
        where haystack[index..<(index + needle.count)].elementsEqual(needle) {
            return index
        }
        return nil
    }
}
