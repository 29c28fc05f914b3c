import Foundation
import OpenAIAPI

/// The one rule for NUL characters: a request whose JSON carries U+0000 in any string is refused with a 400 naming
/// the field (`messages[0].content`, `input[3]`, `stop[1]`), on every route. Tokenizers and the C libraries under
/// them treat NUL as the end of a string, so passing it on would silently cut the text.
enum NULCheck {
    /// Throws a 400 when `body` (raw JSON) has a string with an escaped NUL (`\u0000`; a raw NUL byte is not
    /// valid JSON and fails decoding anyway).
    static func check(_ body: Data) throws {
        guard containsEscapedNUL(body) else { return }
        guard let value = try? JSONSerialization.jsonObject(with: body, options: [.fragmentsAllowed]),
              let path = path(in: value, prefix: "")
        else { return }
        throw APIError.invalidRequest(
            "'\(path.isEmpty ? "body" : path)' contains a NUL character (U+0000), which is not accepted in any field",
            param: path.isEmpty ? nil : path, code: "invalid_value")
    }

    /// Whether the JSON text has an unescaped-backslash `\u0000` sequence (a cheap scan before any parsing).
    static func containsEscapedNUL(_ body: Data) -> Bool {
        body.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) -> Bool in
            var index = 0
            let count = bytes.count
            while index < count {
                if bytes[index] == UInt8(ascii: "\\") {
                    guard index + 1 < count else { return false }
                    if bytes[index + 1] == UInt8(ascii: "u"), index + 5 < count,
                       bytes[index + 2] == UInt8(ascii: "0"), bytes[index + 3] == UInt8(ascii: "0"),
                       bytes[index + 4] == UInt8(ascii: "0"), bytes[index + 5] == UInt8(ascii: "0") {
                        return true
                    }
                    index += 2
                } else {
                    index += 1
                }
            }
            return false
        }
    }

    /// The path of the first string (value or key) holding NUL, as OpenAI's `param` spells it.
    private static func path(in value: Any, prefix: String) -> String? {
        switch value {
        case let text as String:
            return text.unicodeScalars.contains("\0") ? prefix : nil
        case let array as [Any]:
            for (index, element) in array.enumerated() {
                if let found = path(in: element, prefix: "\(prefix)[\(index)]") { return found }
            }
            return nil
        case let object as [String: Any]:
            for key in object.keys.sorted() {
                let child = prefix.isEmpty ? key : "\(prefix).\(key)"
                if key.unicodeScalars.contains("\0") { return child }
                if let value = object[key], let found = path(in: value, prefix: child) { return found }
            }
            return nil
        default:
            return nil
        }
    }
}
