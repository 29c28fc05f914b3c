import GatewayCore

/// A coding key that accepts any name, used to find fields a request sends that the gateway does not know.
struct AnyCodingKey: CodingKey {
    let stringValue: String
    let intValue: Int?

    init(stringValue: String) {
        self.stringValue = stringValue
        self.intValue = nil
    }

    init(intValue: Int) {
        self.stringValue = "\(intValue)"
        self.intValue = intValue
    }
}

extension Decoder {
    /// Throws OpenAI's 400 for the first field outside `known` ("Unrecognized request argument supplied: x"):
    /// a field the gateway does not honour is refused, never silently ignored.
    func refuseUnknownKeys(_ known: Set<String>) throws {
        let container = try container(keyedBy: AnyCodingKey.self)
        if let unknown = container.allKeys.map(\.stringValue).sorted().first(where: { !known.contains($0) }) {
            throw APIError.invalidRequest("Unrecognized request argument supplied: \(unknown)", param: unknown)
        }
    }
}
