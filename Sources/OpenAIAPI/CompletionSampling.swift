import GatewayCore

/// The sampling, stop, choice-count and streaming fields that chat and legacy completions share, validated as
/// OpenAI validates them (`top_k` is an extension).
struct CompletionSampling: Sendable, Equatable {
    /// Most choices one request may ask for.
    static let maxChoices = 8
    /// Most stop strings, as OpenAI allows.
    static let maxStops = 4

    /// The body fields this type reads.
    static let fieldNames: Set<String> = [
        "temperature", "top_p", "top_k", "seed", "stop", "n", "presence_penalty", "frequency_penalty", "stream",
        "stream_options", "user", "logit_bias", "min_p",
    ]
    /// Most `logit_bias` entries one request may send.
    static let maxLogitBiases = 1024

    var temperature: Double?
    var topP: Double?
    var topK: Int?
    var minP: Double?
    var logitBias: [Int32: Double]
    var seed: UInt64?
    var stop: [String]
    var n: Int
    var presencePenalty: Double
    var frequencyPenalty: Double
    var stream: Bool
    var includeUsage: Bool
    var user: String?

    init(_ reader: CompletionFieldReader) throws {
        temperature = try reader.number("temperature", in: 0...2)
        topP = try reader.number("top_p", in: 0...1, openLowerBound: true)
        topK = try reader.integer("top_k", in: 1...Int.max)
        seed = try reader.seed("seed")
        stop = try Self.stops(reader.value("stop"))
        n = try reader.integer("n", in: 1...Self.maxChoices) ?? 1
        presencePenalty = try reader.number("presence_penalty", in: -2...2) ?? 0
        frequencyPenalty = try reader.number("frequency_penalty", in: -2...2) ?? 0
        stream = try reader.optional(Bool.self, "stream") ?? false
        includeUsage = try Self.includeUsage(reader.value("stream_options"), stream: stream)
        user = try reader.optional(String.self, "user")
        minP = try reader.number("min_p", in: 0...1)
        logitBias = try Self.logitBias(reader.value("logit_bias"))
    }

    /// `logit_bias`: null or an object mapping token ids (as strings) to a bias in -100...100. Whether each id is
    /// in the model's vocabulary is checked once the model is known.
    static func logitBias(_ value: CompletionJSONValue?) throws -> [Int32: Double] {
        switch value {
        case nil, .null?:
            return [:]
        case .object(let entries)?:
            guard entries.count <= maxLogitBiases else {
                throw APIError.invalidRequest(
                    "Invalid 'logit_bias': \(entries.count) entries; at most \(maxLogitBiases) are allowed.",
                    param: "logit_bias", code: "invalid_value")
            }
            var biases: [Int32: Double] = [:]
            for key in entries.keys.sorted() {
                guard let token = Int32(key), token >= 0 else {
                    throw APIError.invalidRequest(
                        "Invalid key in 'logit_bias': '\(key)'. Keys must be token ids (non-negative integers).",
                        param: "logit_bias", code: "invalid_value")
                }
                guard case .number(let bias)? = entries[key], bias >= -100, bias <= 100 else {
                    throw APIError.invalidRequest(
                        "Invalid value for 'logit_bias.\(key)': it must be a number from -100 to 100.",
                        param: "logit_bias", code: "invalid_value")
                }
                biases[token] = bias
            }
            return biases
        case let other?:
            throw CompletionFieldReader.wrongType("logit_bias", expected: "an object", sent: other.typeName)
        }
    }

    /// `stop`: null, one string or an array of up to four; every string non-empty.
    private static func stops(_ value: CompletionJSONValue?) throws -> [String] {
        let expected = "a string or an array of strings"
        switch value {
        case nil, .null?:
            return []
        case .string(let stop)?:
            guard !stop.isEmpty else {
                throw APIError.invalidRequest("Invalid 'stop': stop strings must not be empty.", param: "stop")
            }
            return [stop]
        case .array(let items)?:
            guard items.count <= maxStops else {
                throw APIError.invalidRequest(
                    "Invalid 'stop': array too long. Expected an array with at most \(maxStops) strings, "
                        + "but got an array with \(items.count) strings instead.",
                    param: "stop", code: "array_above_max_length")
            }
            return try items.enumerated().map { index, item in
                guard case .string(let stop) = item else {
                    throw CompletionFieldReader.wrongType("stop[\(index)]", expected: "a string", sent: item.typeName)
                }
                guard !stop.isEmpty else {
                    throw APIError.invalidRequest("Invalid 'stop[\(index)]': stop strings must not be empty.",
                                                      param: "stop[\(index)]")
                }
                return stop
            }
        case let other?:
            throw CompletionFieldReader.wrongType("stop", expected: expected, sent: other.typeName)
        }
    }

    /// `stream_options`: null, or `{include_usage}` (with `include_obfuscation: false` tolerated) when streaming.
    private static func includeUsage(_ value: CompletionJSONValue?, stream: Bool) throws -> Bool {
        guard let value, value != .null else { return false }
        guard case .object(let options) = value else {
            throw CompletionFieldReader.wrongType("stream_options", expected: "an object", sent: value.typeName)
        }
        guard stream else {
            throw APIError.invalidRequest(
                "The 'stream_options' parameter is only allowed when 'stream' is enabled.", param: "stream_options",
                code: "invalid_value")
        }
        if let unknown = options.keys.sorted().first(where: { $0 != "include_usage" && $0 != "include_obfuscation" }) {
            throw APIError.invalidRequest("Unrecognized request argument supplied: stream_options.\(unknown)",
                                              param: "stream_options.\(unknown)")
        }
        switch options["include_obfuscation"] {
        case nil, .null?, .bool(false)?:
            break
        case .bool(true)?:
            throw APIError.invalidRequest(
                "Unsupported parameter: 'stream_options.include_obfuscation' is not supported by this server; "
                    + "only null or false is accepted.",
                param: "stream_options.include_obfuscation", code: "unsupported_parameter")
        case let other?:
            throw CompletionFieldReader.wrongType("stream_options.include_obfuscation", expected: "a boolean",
                                                  sent: other.typeName)
        }
        switch options["include_usage"] {
        case nil, .null?:
            return false
        case .bool(let include)?:
            return include
        case let other?:
            throw CompletionFieldReader.wrongType("stream_options.include_usage", expected: "a boolean",
                                                  sent: other.typeName)
        }
    }
}
