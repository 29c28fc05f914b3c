import Foundation

/// The facts the gateway reads from a model folder's `genai_config.json` (the library has no getters for them).
struct GenAIModelConfig: Equatable {
    let contextLength: Int
    let vocabularySize: Int
    let eosTokenIDs: [Int32]
    let padTokenID: Int32?
    /// The first provider named in `model.decoder.session_options.provider_options`, else "cpu": what the folder
    /// itself asks for.
    let configuredProvider: String

    init(directory: String) throws {
        let path = URL(fileURLWithPath: directory).appendingPathComponent("genai_config.json").path
        let root: [String: Any]
        do {
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
                throw OrtError(.genAI, "\(path) is not a JSON object")
            }
            root = object
        } catch let error as OrtError {
            throw error
        } catch {
            throw OrtError(.genAI, "cannot read \(path): \(error.localizedDescription)")
        }
        try self.init(root: root, path: path)
    }

    init(root: [String: Any], path: String) throws {
        guard let model = root["model"] as? [String: Any] else {
            throw OrtError(.genAI, "\(path) has no \"model\" object")
        }
        func positiveInteger(_ key: String) throws -> Int {
            guard let value = Self.integer(model[key]), value > 0 else {
                throw OrtError(.genAI, "\(path): model.\(key) is missing or not a positive integer")
            }
            return value
        }
        contextLength = try positiveInteger("context_length")
        vocabularySize = try positiveInteger("vocab_size")
        switch model["eos_token_id"] {
        case let list as [Any]:
            let ids = list.compactMap { Self.integer($0) }
            guard ids.count == list.count else {
                throw OrtError(.genAI, "\(path): model.eos_token_id has an entry that is not an integer")
            }
            eosTokenIDs = ids.map { Int32(truncatingIfNeeded: $0) }
        case nil:
            eosTokenIDs = []
        case let value:
            guard let id = Self.integer(value) else {
                throw OrtError(.genAI, "\(path): model.eos_token_id is neither an integer nor a list of integers")
            }
            eosTokenIDs = [Int32(truncatingIfNeeded: id)]
        }
        padTokenID = Self.integer(model["pad_token_id"]).map { Int32(truncatingIfNeeded: $0) }
        let decoder = model["decoder"] as? [String: Any]
        let sessionOptions = decoder?["session_options"] as? [String: Any]
        let providerOptions = sessionOptions?["provider_options"] as? [[String: Any]] ?? []
        configuredProvider = providerOptions.first?.keys.sorted().first ?? "cpu"
    }

    /// An integral JSON number.
    private static func integer(_ value: Any?) -> Int? {
        guard let number = value as? NSNumber else { return nil }
        let double = number.doubleValue
        guard double.rounded() == double, abs(double) < 1e15 else { return nil }
        return number.intValue
    }
}
