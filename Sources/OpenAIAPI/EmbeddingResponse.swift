import Foundation

/// The body of a `POST /v1/embeddings` response, written straight to JSON bytes: OpenAI's shape
/// (`object: "list"`, `data[{object, index, embedding}]`, `model`, `usage`), with floats in their shortest
/// round-trip form or, for `encoding_format: base64`, as little-endian float32 bytes in base64.
public struct EmbeddingResponse: Sendable {
    public let model: String
    public let vectors: [[Float]]
    public let promptTokens: Int
    public let base64: Bool

    public init(model: String, vectors: [[Float]], promptTokens: Int, base64: Bool) {
        self.model = model
        self.vectors = vectors
        self.promptTokens = promptTokens
        self.base64 = base64
    }

    /// The JSON body.
    public func jsonBytes() -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(64 + vectors.reduce(0) { $0 + $1.count * (base64 ? 6 : 12) + 48 })
        out.append(contentsOf: Array(#"{"object":"list","data":["#.utf8))
        for (index, vector) in vectors.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            out.append(contentsOf: Array(#"{"object":"embedding","index":\#(index),"embedding":"#.utf8))
            if base64 {
                out.append(UInt8(ascii: "\""))
                out.append(contentsOf: Array(Self.base64(vector).utf8))
                out.append(UInt8(ascii: "\""))
            } else {
                out.append(UInt8(ascii: "["))
                for (position, value) in vector.enumerated() {
                    if position > 0 { out.append(UInt8(ascii: ",")) }
                    out.append(contentsOf: Array((value.isFinite ? value : 0).description.utf8))
                }
                out.append(UInt8(ascii: "]"))
            }
            out.append(UInt8(ascii: "}"))
        }
        out.append(contentsOf: Array(#"],"model":"#.utf8))
        out.append(contentsOf: Self.jsonString(model))
        out.append(contentsOf: Array(
            #","usage":{"prompt_tokens":\#(promptTokens),"total_tokens":\#(promptTokens)}}"#.utf8))
        return out
    }

    /// Little-endian float32 bytes, base64-encoded, as OpenAI's `encoding_format: base64`.
    public static func base64(_ vector: [Float]) -> String {
        var bytes = [UInt8]()
        bytes.reserveCapacity(vector.count * 4)
        for value in vector {
            let bits = value.bitPattern.littleEndian
            withUnsafeBytes(of: bits) { bytes.append(contentsOf: $0) }
        }
        return Data(bytes).base64EncodedString()
    }

    static func jsonString(_ text: String) -> [UInt8] {
        (try? JSONEncoder().encode(text)).map { Array($0) } ?? Array("\"\"".utf8)
    }
}
