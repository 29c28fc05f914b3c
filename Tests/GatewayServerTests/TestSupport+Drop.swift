import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Raw-socket clients that misbehave on purpose: one that sends a request and walks away without reading, and one
/// that opens a stream and never reads it. Blocking calls run on dispatch threads, never on Swift's pool.
enum MisbehavingClient {
    /// Connects to 127.0.0.1:`port`; `receiveBuffer` shrinks the socket's receive buffer first (bytes).
    static func connect(port: Int, receiveBuffer: Int32? = nil) throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw RawHTTPError(description: "socket failed") }
        if var size = receiveBuffer {
            setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else {
            close(fd)
            throw RawHTTPError(description: "connect failed")
        }
        return fd
    }

    /// Sends a POST of `body` to `path` and returns the open socket without reading anything.
    static func send(port: Int, path: String, body: [UInt8], receiveBuffer: Int32? = nil) async throws -> Int32 {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result {
                    let fd = try connect(port: port, receiveBuffer: receiveBuffer)
                    let head = "POST \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                        + "Content-Length: \(body.count)\r\n\r\n"
                    let request = Array(head.utf8) + body
                    _ = request.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                    return fd
                })
            }
        }
    }
}
