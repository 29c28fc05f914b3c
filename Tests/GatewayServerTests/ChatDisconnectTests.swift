import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
@testable import GatewayServer

#if canImport(Glibc)
import Glibc
#endif

/// Opens a streaming chat request on a real socket, reads until the first content chunk arrives, and returns the
/// still-open socket (the caller closes it: a client walking away mid-stream).
func openStream(port: Int, body: [UInt8]) throws -> Int32 {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw RawHTTPError(description: "socket failed") }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let connected = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard connected == 0 else {
        close(fd)
        throw RawHTTPError(description: "connect failed")
    }
    var timeout = timeval(tv_sec: 60, tv_usec: 0)
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    let head = "POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        + "Content-Length: \(body.count)\r\n\r\n"
    let request = Array(head.utf8) + body
    _ = request.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, 0) }
    var received: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 4096)
    while !String(decoding: received, as: UTF8.self).contains("\"delta\":{\"content\":") {
        let count = recv(fd, &buffer, buffer.count, 0)
        guard count > 0 else {
            close(fd)
            throw RawHTTPError(description: "stream ended before any content")
        }
        received += buffer[0..<count]
    }
    return fd
}

/// `openStream` on a dispatch thread: its blocking calls must not park Swift's cooperative pool, which the
/// in-process server needs.
func openStreamOffPool(port: Int, body: [UInt8]) async throws -> Int32 {
    try await withCheckedThrowingContinuation { continuation in
        DispatchQueue.global().async {
            continuation.resume(with: Result { try openStream(port: port, body: body) })
        }
    }
}

@Suite("A client that disconnects stops its generation")
struct ChatDisconnectTests {
    @Test("20 streams dropped mid-way: no active generation remains and RSS returns near its baseline")
    func disconnects() async throws {
        var configuration = makeConfiguration()
        configuration.maxParallelGenerations = 20
        configuration.maxBatchSize = 20
        try await makeApplication(configuration).test(.live) { client in
            let port = try #require(client.port)
            func health() async throws -> [String: Any] {
                try jsonObject(try await client.execute(uri: "/health", method: .get).body)
            }
            func rss(_ object: [String: Any]) -> Int { (object["memory"] as? [String: Any])?["rss_bytes"] as? Int ?? 0 }
            let body = Array(try JSONSerialization.data(withJSONObject: [
                "model": "smollm2-135m-instruct", "stream": true, "temperature": 0.8, "max_tokens": 1000,
                "logit_bias": ["2": -100],
                "messages": [["role": "user", "content": "Write a very long essay about the history of ships."]],
            ] as [String: Any]))
            // Warm up: one full stream, so the baseline includes the loaded model.
            let warm = try await openStreamOffPool(port: port, body: body)
            close(warm)
            for _ in 0..<500 {
                if try await health()["active_generations"] as? Int == 0 { break }
                try await Task.sleep(for: .milliseconds(20))
            }
            let baseline = rss(try await health())
            let sockets = try await withThrowingTaskGroup(of: Int32.self) { group in
                for _ in 0..<20 { group.addTask { try await openStreamOffPool(port: port, body: body) } }
                var sockets: [Int32] = []
                for try await fd in group { sockets.append(fd) }
                return sockets
            }
            #expect(sockets.count == 20)
            let during = try await health()["active_generations"] as? Int ?? 0
            #expect(during > 0, "generations should be running while clients are connected")
            for fd in sockets { close(fd) }
            var active = -1
            for _ in 0..<1000 {
                active = try await health()["active_generations"] as? Int ?? -1
                if active == 0 { break }
                try await Task.sleep(for: .milliseconds(20))
            }
            #expect(active == 0, "generations still running 20 s after every client left")
            // Freed pages go back to the system right after the last generation ends; give it a moment.
            var after = rss(try await health())
            for _ in 0..<100 where after - baseline >= 96 << 20 {
                try await Task.sleep(for: .milliseconds(50))
                after = rss(try await health())
            }
            #expect(after - baseline < 96 << 20, "RSS grew from \(baseline >> 20) MiB to \(after >> 20) MiB")
        }
    }
}
