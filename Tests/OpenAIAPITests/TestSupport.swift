import Foundation
import GatewayCore
import Testing
@testable import OpenAIAPI

/// JSON body fragments the request tests combine.
enum Body {
    static let model = #""model":"m""#
    static let hello = #""messages":[{"role":"user","content":"hi"}]"#
    static let prompt = #""prompt":"Once""#

    /// `{model, messages, fields…}` for chat.
    static func chat(_ fields: String...) -> String { object([model, hello] + fields) }

    /// `{model, prompt, fields…}` for legacy completions.
    static func completion(_ fields: String...) -> String { object([model, prompt] + fields) }

    static func object(_ fields: [String]) -> String { "{" + fields.joined(separator: ",") + "}" }
}

/// A body that must be refused, with the `param` and `code` the 400 must carry.
struct Refusal: Sendable, CustomTestStringConvertible {
    let body: String
    let param: String
    let code: String?

    init(_ body: String, _ param: String, _ code: String? = nil) {
        self.body = body
        self.param = param
        self.code = code
    }

    var testDescription: String { "\(param) ← \(body)" }
}

func decode<T: Decodable>(_ type: T.Type, _ json: String) throws -> T {
    try JSONDecoder().decode(T.self, from: Data(json.utf8))
}

/// Decodes `refusal.body` and checks that it fails with an invalid-request APIError naming the param and code.
func expectRefused<T: Decodable>(_ type: T.Type, _ refusal: Refusal,
                                  sourceLocation: SourceLocation = #_sourceLocation) {
    do {
        _ = try decode(T.self, refusal.body)
        Issue.record("accepted: \(refusal.body)", sourceLocation: sourceLocation)
    } catch let error as APIError {
        #expect(error.kind == .invalidRequest, sourceLocation: sourceLocation)
        #expect(error.param == refusal.param, "\(error.message)", sourceLocation: sourceLocation)
        #expect(error.code == refusal.code, "\(error.message)", sourceLocation: sourceLocation)
        #expect(!error.message.isEmpty, sourceLocation: sourceLocation)
    } catch {
        Issue.record("not a APIError: \(error)", sourceLocation: sourceLocation)
    }
}

extension Array where Element == UInt8 {
    var text: String { String(decoding: self, as: UTF8.self) }
}

/// Parses the JSON of one SSE event (`data: {...}\n\n`) or a plain body.
func jsonObject(_ bytes: [UInt8]) throws -> [String: Any] {
    var text = bytes.text
    if text.hasPrefix("data: ") {
        #expect(text.hasSuffix("\n\n"))
        text = String(text.dropFirst(6).dropLast(2))
    }
    let object = try JSONSerialization.jsonObject(with: Data(text.utf8))
    return try #require(object as? [String: Any])
}
