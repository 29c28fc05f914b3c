import Foundation

/// Finds a key that appears twice in one JSON object. JSON decoders disagree on which copy wins (Foundation keeps
/// the first, Python the last), so a request with one is refused rather than read differently from what its
/// sender meant.
enum DuplicateKeyCheck {
    /// The first repeated key (as its raw JSON text) in `data`, which must already be valid JSON.
    static func firstDuplicate(in data: Data) -> String? {
        data.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) -> String? in
            var stack: [(isObject: Bool, keys: Set<[UInt8]>, expectingKey: Bool)] = []
            var index = 0
            let count = bytes.count
            while index < count {
                switch bytes[index] {
                case UInt8(ascii: "{"):
                    stack.append((true, [], true))
                case UInt8(ascii: "["):
                    stack.append((false, [], false))
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    if !stack.isEmpty { stack.removeLast() }
                case UInt8(ascii: ","):
                    if let last = stack.indices.last, stack[last].isObject { stack[last].expectingKey = true }
                case UInt8(ascii: "\""):
                    var end = index + 1
                    while end < count && bytes[end] != UInt8(ascii: "\"") {
                        end += bytes[end] == UInt8(ascii: "\\") ? 2 : 1
                    }
                    if let last = stack.indices.last, stack[last].isObject, stack[last].expectingKey {
                        let key = Array(bytes[(index + 1)..<min(end, count)])
                        if !stack[last].keys.insert(key).inserted { return String(decoding: key, as: UTF8.self) }
                        stack[last].expectingKey = false
                    }
                    index = end
                default:
                    break
                }
                index += 1
            }
            return nil
        }
    }
}
