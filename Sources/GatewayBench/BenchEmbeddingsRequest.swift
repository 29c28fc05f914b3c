/// The request body the benchmark sends: `{model, input, truncate}` with `input` a string or an array of strings;
/// `truncate` (the gateway's extension: cut over-long inputs at the model's limit) is left out when nil.
struct BenchEmbeddingsRequest: Encodable {
    enum Input: Encodable {
        case single(String)
        case many([String])

        func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            switch self {
            case .single(let text): try container.encode(text)
            case .many(let texts): try container.encode(texts)
            }
        }
    }

    let model: String
    let input: Input
    let truncate: Bool?
}
