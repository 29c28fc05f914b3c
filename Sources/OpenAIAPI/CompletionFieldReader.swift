import Foundation
import GatewayCore

/// Reads the top-level fields of a completion request body by name. Every failure is OpenAI's 400 naming the
/// field: a wrong JSON type (`invalid_type`), a missing field (`missing_required_parameter`), a number out of
/// range (`decimal_above_max_value` and the like) or an unsupported field sent with a non-neutral value.
struct CompletionFieldReader {
    private let container: KeyedDecodingContainer<AnyCodingKey>
    /// The body as sent, when the route passed it (see `RequestBodyOrder`).
    let body: Data?

    /// Refuses the first field outside `known`, then reads the body as an object.
    init(_ decoder: any Decoder, known: Set<String>) throws {
        try decoder.refuseUnknownKeys(known)
        container = try decoder.container(keyedBy: AnyCodingKey.self)
        body = RequestBodyOrder.body(of: decoder)
    }

    /// The field's value, nil when absent or null.
    func optional<T: Decodable>(_ type: T.Type, _ name: String) throws -> T? {
        do {
            return try container.decodeIfPresent(T.self, forKey: AnyCodingKey(stringValue: name))
        } catch let error as APIError {
            throw error
        } catch {
            throw wrongType(name, expected: Self.describe(T.self))
        }
    }

    /// The field's value; absent is `missing_required_parameter`, null is `invalid_type`.
    func required<T: Decodable>(_ type: T.Type, _ name: String) throws -> T {
        guard container.contains(AnyCodingKey(stringValue: name)) else {
            throw APIError.invalidRequest("Missing required parameter: '\(name)'", param: name,
                                              code: "missing_required_parameter")
        }
        guard let value = try optional(type, name) else { throw wrongType(name, expected: Self.describe(T.self)) }
        return value
    }

    /// The field as any JSON value: nil when absent, `.null` when sent as null.
    func value(_ name: String) throws -> CompletionJSONValue? {
        guard container.contains(AnyCodingKey(stringValue: name)) else { return nil }
        return try optional(CompletionJSONValue.self, name) ?? .null
    }

    /// A number field checked against `range`; `openLowerBound` makes the lower bound itself invalid (`top_p`).
    func number(_ name: String, in range: ClosedRange<Double>, openLowerBound: Bool = false) throws -> Double? {
        guard let value = try optional(Double.self, name) else { return nil }
        if value < range.lowerBound || (openLowerBound && value == range.lowerBound) {
            let bound = openLowerBound ? "greater than \(Self.format(range.lowerBound))"
                : "at least \(Self.format(range.lowerBound))"
            throw APIError.invalidRequest(
                "Invalid '\(name)': \(Self.format(value)) is below the minimum; it must be \(bound).",
                param: name, code: "decimal_below_min_value")
        }
        if value > range.upperBound {
            throw APIError.invalidRequest(
                "Invalid '\(name)': \(Self.format(value)) is greater than the maximum of "
                    + "\(Self.format(range.upperBound)).",
                param: name, code: "decimal_above_max_value")
        }
        return value
    }

    /// An integer field checked against `range`.
    func integer(_ name: String, in range: ClosedRange<Int>) throws -> Int? {
        guard let value = try optional(Int.self, name) else { return nil }
        if value < range.lowerBound {
            throw APIError.invalidRequest(
                "Invalid '\(name)': \(value) is below the minimum of \(range.lowerBound).",
                param: name, code: "integer_below_min_value")
        }
        if value > range.upperBound {
            throw APIError.invalidRequest(
                "Invalid '\(name)': \(value) is greater than the maximum of \(range.upperBound).",
                param: name, code: "integer_above_max_value")
        }
        return value
    }

    /// An integer seed: any signed or unsigned 64-bit integer, negative ones taken by their bit pattern.
    func seed(_ name: String) throws -> UInt64? {
        guard let raw = try value(name), raw != .null else { return nil }
        let key = AnyCodingKey(stringValue: name)
        if let signed = try? container.decode(Int64.self, forKey: key) { return UInt64(bitPattern: signed) }
        if let unsigned = try? container.decode(UInt64.self, forKey: key) { return unsigned }
        throw Self.wrongType(name, expected: "an integer", sent: raw.typeName)
    }

    /// Refuses a field the gateway does not implement unless it carries the neutral value that asks for nothing.
    func refuseUnlessNeutral(_ name: String, neutral: String, isNeutral: (CompletionJSONValue) -> Bool) throws {
        guard let value = try value(name), !isNeutral(value) else { return }
        throw APIError.invalidRequest(
            "Unsupported parameter: '\(name)' is not supported by this server; only \(neutral) is accepted.",
            param: name, code: "unsupported_parameter")
    }

    /// OpenAI's `invalid_type` 400 for `name`, saying what was expected and what was sent.
    func wrongType(_ name: String, expected: String) -> APIError {
        let sent = (try? container.decode(CompletionJSONValue.self, forKey: AnyCodingKey(stringValue: name)))?.typeName
        return Self.wrongType(name, expected: expected, sent: sent)
    }

    static func wrongType(_ param: String, expected: String, sent: String?) -> APIError {
        let got = sent.map { ", but got \($0) instead" } ?? ""
        return APIError.invalidRequest("Invalid type for '\(param)': expected \(expected)\(got).", param: param,
                                           code: "invalid_type")
    }

    /// A number as an error message shows it: integers without a fractional part.
    static func format(_ value: Double) -> String {
        value.rounded() == value && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is Bool.Type: "a boolean"
        case is Int.Type, is Int64.Type, is UInt64.Type: "an integer"
        case is Double.Type: "a number"
        case is String.Type: "a string"
        case is [CompletionJSONValue].Type: "an array"
        default: "a valid value"
        }
    }
}
