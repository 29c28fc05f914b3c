import Foundation
import ONNXRuntime
import Yams

/// What a model folder's optional `ai-gateway.yaml` sets; every field is optional. Unknown keys and values out of
/// range are errors: the folder is then listed as failed with the message, and the server keeps serving the rest.
///
/// ```yaml
/// id: phi3                 # the id in the API (default: the folder name)
/// aliases: [phi-3, gpt-4o-mini]
/// providers:               # order of preference; a name, or a name with options
///   - cuda: {device_id: "1"}
///   - cpu
/// context_length: 2048     # a cap below the model's own
/// keep_alive: 10m          # seconds, a duration, -1 (for ever) or 0 (unload when idle)
/// kv_cache_tokens: 4096    # tokens of KV cache the memory budget reserves (default: the context length)
/// defaults:                # used when a request does not set them
///   temperature: 0.7
///   top_p: 0.9
///   top_k: 40
///   max_tokens: 512
/// ```
public struct ModelSettings: Sendable, Equatable {
    public static let fileName = "ai-gateway.yaml"

    public var id: String?
    public var aliases: [String] = []
    public var providers: [ExecutionProviderKind]?
    public var providerOptions: [ExecutionProviderKind: [String: String]] = [:]
    public var contextLength: Int?
    public var keepAlive: KeepAlive?
    public var kvCacheTokens: Int?
    public var defaults = SamplingDefaults()

    public init() {}

    /// Sampling values a request gets when it does not send them.
    public struct SamplingDefaults: Sendable, Equatable {
        public var temperature: Double?
        public var topP: Double?
        public var topK: Int?
        public var maxTokens: Int?

        public init() {}

        public var isEmpty: Bool { self == SamplingDefaults() }
    }

    static let keys: Set<String> = ["id", "aliases", "providers", "context_length", "keep_alive", "kv_cache_tokens",
                                    "defaults"]
    static let defaultKeys: Set<String> = ["temperature", "top_p", "top_k", "max_tokens"]

    /// Reads `folder/ai-gateway.yaml`; no file is the empty settings.
    public static func load(folder: URL) throws(ModelSettingsError) -> ModelSettings {
        let file = folder.appendingPathComponent(fileName)
        guard FileManager.default.fileExists(atPath: file.path) else { return ModelSettings() }
        let text: String
        do {
            text = try String(contentsOf: file, encoding: .utf8)
        } catch {
            throw ModelSettingsError("\(fileName): cannot read it: \(error.localizedDescription)")
        }
        return try parse(text)
    }

    /// Parses the YAML text of an `ai-gateway.yaml`.
    public static func parse(_ text: String) throws(ModelSettingsError) -> ModelSettings {
        let node: Any?
        do {
            node = try Yams.load(yaml: text)
        } catch {
            let reason = String(describing: error).split(separator: "\n").first.map(String.init) ?? "parse error"
            throw ModelSettingsError("\(fileName) is not valid YAML: \(reason)")
        }
        guard let node else { return ModelSettings() }
        guard let map = node as? [String: Any] else {
            throw ModelSettingsError("\(fileName) must be a mapping of keys to values")
        }
        if let unknown = map.keys.filter({ !keys.contains($0) }).sorted().first {
            throw ModelSettingsError(
                "\(fileName): unknown key '\(unknown)'; known keys: \(keys.sorted().joined(separator: ", "))")
        }
        var settings = ModelSettings()
        if let value = map["id"] {
            let id = try name(value, key: "id")
            settings.id = id
        }
        if let value = map["aliases"] {
            let list: [Any]
            if let one = value as? String { list = [one] } else if let many = value as? [Any] { list = many } else {
                throw ModelSettingsError("\(fileName): 'aliases' must be a list of names")
            }
            settings.aliases = try list.map { item throws(ModelSettingsError) in try name(item, key: "aliases") }
        }
        if let value = map["providers"] { try parseProviders(value, into: &settings) }
        if let value = map["context_length"] {
            settings.contextLength = try integer(value, key: "context_length", in: 1...(1 << 24))
        }
        if let value = map["kv_cache_tokens"] {
            settings.kvCacheTokens = try integer(value, key: "kv_cache_tokens", in: 1...(1 << 26))
        }
        if let value = map["keep_alive"] {
            settings.keepAlive = try keepAlive(value, key: "keep_alive")
        }
        if let value = map["defaults"] { settings.defaults = try parseDefaults(value) }
        return settings
    }

    /// A keep-alive from a YAML or JSON value: a number of seconds or a duration string.
    public static func keepAlive(_ value: Any, key: String) throws(ModelSettingsError) -> KeepAlive {
        let parsed: KeepAlive?
        switch value {
        case let number as Int: parsed = KeepAlive.seconds(value: Double(number))
        case let number as Double: parsed = KeepAlive.seconds(value: number)
        case let text as String: parsed = KeepAlive.parse(text)
        default: parsed = nil
        }
        guard let parsed else {
            throw ModelSettingsError(
                "'\(key)' must be seconds (at most 1e9), a duration such as 5m or 1h30m, -1 (for ever) or 0")
        }
        return parsed
    }

    private static func name(_ value: Any, key: String) throws(ModelSettingsError) -> String {
        guard let text = value as? String, ModelCatalog.isValidName(text) else {
            throw ModelSettingsError(
                "\(fileName): '\(key)' must be names of 1 to 128 characters (letters, digits, '.', '_', '-', ':'), "
                    + "not starting with '.'")
        }
        return text
    }

    private static func integer(_ value: Any, key: String, in range: ClosedRange<Int>) throws(ModelSettingsError) -> Int {
        guard let number = value as? Int, range.contains(number) else {
            throw ModelSettingsError("\(fileName): '\(key)' must be an integer from \(range.lowerBound) to \(range.upperBound)")
        }
        return number
    }

    private static func number(_ value: Any, key: String, in range: ClosedRange<Double>) throws(ModelSettingsError) -> Double {
        let number: Double?
        switch value {
        case let integer as Int: number = Double(integer)
        case let double as Double: number = double
        default: number = nil
        }
        guard let number, range.contains(number) else {
            throw ModelSettingsError("\(fileName): 'defaults.\(key)' must be a number from \(range.lowerBound) to \(range.upperBound)")
        }
        return number
    }

    private static func parseProviders(_ value: Any, into settings: inout ModelSettings) throws(ModelSettingsError) {
        let items: [Any]
        if let text = value as? String {
            items = text.split(separator: ",").map { String($0) }
        } else if let list = value as? [Any] {
            items = list
        } else {
            throw ModelSettingsError("\(fileName): 'providers' must be a list of provider names")
        }
        var order: [ExecutionProviderKind] = []
        for item in items {
            let name: String
            var options: [String: String] = [:]
            if let text = item as? String {
                name = text
            } else if let map = item as? [String: Any], map.count == 1, let (key, raw) = map.first {
                name = key
                guard let pairs = raw as? [String: Any] else {
                    throw ModelSettingsError("\(fileName): options of provider '\(key)' must be a mapping")
                }
                for (option, optionValue) in pairs {
                    switch optionValue {
                    case let text as String: options[option] = text
                    case let number as Int: options[option] = String(number)
                    case let number as Double: options[option] = String(number)
                    case let flag as Bool: options[option] = flag ? "True" : "False"
                    default:
                        throw ModelSettingsError("\(fileName): option '\(option)' of provider '\(key)' must be a scalar")
                    }
                }
            } else {
                throw ModelSettingsError("\(fileName): each provider is a name or a name with options")
            }
            guard let kind = ExecutionProviderKind(name: name) else {
                let names = ExecutionProviderKind.allCases.map(\.rawValue).joined(separator: ", ")
                throw ModelSettingsError("\(fileName): unknown provider '\(name)'; known: \(names)")
            }
            guard !order.contains(kind) else {
                throw ModelSettingsError("\(fileName): provider '\(kind.rawValue)' is listed twice")
            }
            if kind == .cpu && !options.isEmpty {
                throw ModelSettingsError("\(fileName): the cpu provider takes no options")
            }
            order.append(kind)
            if !options.isEmpty { settings.providerOptions[kind] = options }
        }
        guard !order.isEmpty else { throw ModelSettingsError("\(fileName): 'providers' must not be empty") }
        settings.providers = order
    }

    private static func parseDefaults(_ value: Any) throws(ModelSettingsError) -> SamplingDefaults {
        guard let map = value as? [String: Any] else {
            throw ModelSettingsError("\(fileName): 'defaults' must be a mapping")
        }
        if let unknown = map.keys.filter({ !defaultKeys.contains($0) }).sorted().first {
            throw ModelSettingsError("\(fileName): unknown key 'defaults.\(unknown)'; known keys: "
                                         + defaultKeys.sorted().joined(separator: ", "))
        }
        var defaults = SamplingDefaults()
        if let value = map["temperature"] { defaults.temperature = try number(value, key: "temperature", in: 0...2) }
        if let value = map["top_p"] {
            defaults.topP = try number(value, key: "top_p", in: 0...1)
            if defaults.topP == 0 { throw ModelSettingsError("\(fileName): 'defaults.top_p' must be above 0") }
        }
        if let value = map["top_k"] { defaults.topK = try integer(value, key: "defaults.top_k", in: 1...(1 << 24)) }
        if let value = map["max_tokens"] {
            defaults.maxTokens = try integer(value, key: "defaults.max_tokens", in: 1...(1 << 24))
        }
        return defaults
    }
}

/// Why a model folder's `ai-gateway.yaml` cannot be used (one line).
public struct ModelSettingsError: Error, Sendable, Equatable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
