/// The part of the answer the benchmark checks: `data[].index` and `data[].embedding`.
struct BenchEmbeddingsResponse: Decodable {
    struct Item: Decodable {
        let index: Int
        let embedding: [Float]
    }

    let data: [Item]
}
