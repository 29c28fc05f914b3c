import Foundation
import GatewayCore
import Hummingbird
import NIOCore
import OpenAIAPI

/// Builds JSON responses and reads JSON request bodies, mapping every decoding failure to a 400 that says what
/// was wrong and where.
enum JSONResponse {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return encoder
    }()

    static func make(_ value: some Encodable, status: HTTPResponse.Status = .ok) -> Response {
        do {
            let data = try encoder.encode(value)
            return Response(status: status, headers: [.contentType: "application/json"],
                            body: .init(byteBuffer: ByteBuffer(bytes: data)))
        } catch {
            return self.error(APIError(.internal, "The server could not encode its response"))
        }
    }

    static func error(_ error: APIError) -> Response {
        ErrorMapping.response(error)
    }

    /// Reads the whole body (up to `limit` bytes) and decodes it as `T`. The body is read as JSON whatever its
    /// Content-Type says, as llama.cpp's server and Ollama do (curl's `-d` sends a form type by default).
    /// Bodies larger than this are parsed on the blocking queue, not on Swift's cooperative pool.
    static let offPoolBytes = 256 << 10

    static func decode<T: Decodable & Sendable>(_ type: T.Type, from request: Request, limit: Int) async throws -> T {
        guard let value = try await decodeOptional(type, from: request, limit: limit, allowEmpty: false) else {
            throw APIError.invalidRequest("The request body is empty; expected a JSON object")
        }
        return value
    }

    /// As `decode`, but an empty body is nil when `allowEmpty` (bodies that are optional, such as a model load's).
    static func decodeOptional<T: Decodable & Sendable>(_ type: T.Type, from request: Request, limit: Int,
                                                        allowEmpty: Bool) async throws -> T? {
        var request = request
        let buffer: ByteBuffer
        do {
            buffer = try await request.collectBody(upTo: limit)
        } catch is NIOTooManyBytesError {
            throw APIError(.payloadTooLarge, "Request body is over the limit of \(limit) bytes")
        } catch let error as HTTPError where error.status == .contentTooLarge {
            throw APIError(.payloadTooLarge, "Request body is over the limit of \(limit) bytes")
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            throw APIError.invalidRequest("The request body could not be read (malformed or incomplete)")
        }
        guard buffer.readableBytes > 0 else {
            if allowEmpty { return nil }
            throw APIError.invalidRequest("The request body is empty; expected a JSON object")
        }
        let data = Data(buffer: buffer)
        guard data.count > offPoolBytes else { return try parse(T.self, data) }
        return try await BlockingWork.run { try parse(T.self, data) }
    }

    /// Checks the NUL rule and decodes `data` as `T`, mapping failures to 400s.
    private static func parse<T: Decodable>(_ type: T.Type, _ data: Data) throws -> T {
        try NULCheck.check(data)
        do {
            let decoder = JSONDecoder()
            if let key = RequestBodyOrder.userInfoKey { decoder.userInfo[key] = data }
            let value = try decoder.decode(T.self, from: data)
            if let key = DuplicateKeyCheck.firstDuplicate(in: data) {
                throw APIError.invalidRequest(
                    "The key '\(key)' appears twice in one object of the request body; send each key once",
                    param: key, code: "duplicate_key")
            }
            return value
        } catch let error as APIError {
            throw error
        } catch let error as DecodingError {
            throw describe(error)
        } catch {
            throw APIError.invalidRequest("The request body is not valid JSON")
        }
    }

    /// A 400 naming the field (`param`) and what was wrong with it.
    static func describe(_ error: DecodingError) -> APIError {
        func path(_ codingPath: [any CodingKey]) -> String? {
            let text = codingPath.map { key in key.intValue.map { "[\($0)]" } ?? ".\(key.stringValue)" }
                .joined().drop { $0 == "." }
            return text.isEmpty ? nil : String(text)
        }
        switch error {
        case .dataCorrupted(let context) where context.codingPath.isEmpty:
            return .invalidRequest("The request body is not valid JSON")
        case .dataCorrupted(let context):
            return .invalidRequest("Invalid value for '\(path(context.codingPath) ?? "")': \(context.debugDescription)",
                                   param: path(context.codingPath))
        case .keyNotFound(let key, let context):
            let name = path(context.codingPath + [key]) ?? key.stringValue
            return .invalidRequest("Missing required parameter: '\(name)'", param: name, code: "missing_required_parameter")
        case .typeMismatch(_, let context) where context.codingPath.isEmpty,
             .valueNotFound(_, let context) where context.codingPath.isEmpty:
            return .invalidRequest("The request body must be a JSON object", code: "invalid_type")
        case .typeMismatch(let type, let context), .valueNotFound(let type, let context):
            let name = path(context.codingPath)
            return .invalidRequest("Invalid type for '\(name ?? "body")': expected \(describe(type))",
                                   param: name, code: "invalid_type")
        @unknown default:
            return .invalidRequest("The request body could not be decoded")
        }
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int.Type, is Int64.Type, is Int32.Type: "an integer"
        case is Double.Type, is Float.Type: "a number"
        case is Bool.Type: "a boolean"
        default: "\(type)".contains("Array") ? "an array" : "an object"
        }
    }
}
