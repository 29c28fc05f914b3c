import AsyncHTTPClient
import Foundation

/// Sends `POST /v1/embeddings` to a running server and checks every answer: status 200, one embedding per input,
/// indexes 0..<n, and one dimension shared by all.
struct BenchEmbeddingsClient: Sendable {
    /// A request body encoded ahead of time, and how many embeddings its answer must hold.
    struct Payload: Sendable {
        let body: Data
        let expected: Int
    }

    /// One request's outcome: the latency (send to last byte of the body) and, when it failed, why.
    struct Result: Sendable {
        let latency: Duration
        let error: String?
        let dimensions: Int?
    }

    let http: HTTPClient
    let baseURL: String
    let model: String
    /// Sends `"truncate": true` when set.
    let truncate: Bool
    let timeoutSeconds: Int64

    /// Encodes a request whose `input` is an array of `texts`, or with `single` the one text as a string.
    func payload(texts: [String], single: Bool) throws -> Payload {
        let input: BenchEmbeddingsRequest.Input = single && texts.count == 1 ? .single(texts[0]) : .many(texts)
        let request = BenchEmbeddingsRequest(model: model, input: input, truncate: truncate ? true : nil)
        let body = try JSONEncoder().encode(request)
        return Payload(body: body, expected: texts.count)
    }

    /// Sends one request; never throws (a transport error is a failed result).
    func send(_ payload: Payload) async -> Result {
        var request = HTTPClientRequest(url: baseURL + "/v1/embeddings")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(payload.body)
        let clock = ContinuousClock()
        let start = clock.now
        let status: UInt
        let bytes: Data
        do {
            let response = try await http.execute(request, timeout: .seconds(timeoutSeconds))
            status = response.status.code
            bytes = Data(try await response.body.collect(upTo: 256 << 20).readableBytesView)
        } catch {
            return Result(latency: clock.now - start, error: "transport: \(error)", dimensions: nil)
        }
        let latency = clock.now - start
        guard status == 200 else {
            let text = String(decoding: bytes.prefix(300), as: UTF8.self)
            return Result(latency: latency, error: "HTTP \(status): \(text)", dimensions: nil)
        }
        do {
            return Result(latency: latency, error: nil, dimensions: try Self.check(bytes, expected: payload.expected))
        } catch {
            return Result(latency: latency, error: "\(error)", dimensions: nil)
        }
    }

    /// The embedding dimension when `body` is a valid answer for `expected` inputs; else throws what is wrong.
    static func check(_ body: Data, expected: Int) throws -> Int {
        guard let decoded = try? JSONDecoder().decode(BenchEmbeddingsResponse.self, from: body) else {
            let text = String(decoding: body.prefix(200), as: UTF8.self)
            throw BenchFailure("the body is not an embeddings list: \(text)")
        }
        guard decoded.data.count == expected else {
            throw BenchFailure("\(decoded.data.count) embeddings for \(expected) inputs")
        }
        guard Set(decoded.data.map(\.index)) == Set(0..<expected) else {
            throw BenchFailure("the indexes are not 0..<\(expected)")
        }
        let dimensions = Set(decoded.data.map(\.embedding.count))
        guard dimensions.count == 1, let dimension = dimensions.first, dimension > 0 else {
            throw BenchFailure("embeddings of different or zero lengths: \(dimensions.sorted())")
        }
        return dimension
    }
}
