import AsyncHTTPClient
import Foundation
import NIOCore

/// Short, human descriptions of transport errors for one-line messages ("connection refused", not a dump of
/// NIO's error structs).
enum NetworkErrorText {
    static func describe(_ error: Error) -> String {
        if let failure = error as? TransientFailure { return failure.reason }
        if let error = error as? HTTPClientError {
            switch error {
            case .remoteConnectionClosed: return "the connection closed early"
            case .readTimeout: return "no data for too long (read timeout)"
            case .connectTimeout: return "connection timed out"
            case .deadlineExceeded: return "the request took too long"
            case .cancelled: return "cancelled"
            case .tlsHandshakeTimeout: return "TLS handshake timed out"
            default: return shorten(String(describing: error))
            }
        }
        if let error = error as? IOError {
            return String(cString: strerror(error.errnoCode)).lowercased()
        }
        let text = String(describing: error)
        let known = [
            ("Connection refused", "connection refused"), ("errno: 111", "connection refused"),
            ("Connection reset", "connection reset"), ("invalidEOFState", "the connection closed early"),
            ("dnsAError", "cannot resolve the host name"), ("Network is unreachable", "network unreachable"),
            ("No route to host", "no route to host"),
        ]
        for (needle, meaning) in known where text.contains(needle) {
            return meaning
        }
        return shorten(text)
    }

    private static func shorten(_ text: String) -> String {
        let line = text.split(whereSeparator: \.isNewline).joined(separator: " ")
        return line.count > 160 ? String(line.prefix(160)) + "…" : line
    }
}

/// A failure worth another try (a cut connection, a 5xx, a short body); `reason` says what happened.
struct TransientFailure: Error {
    let reason: String
}
