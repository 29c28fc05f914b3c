/// Ids of the Responses API's objects in OpenAI's form: a prefix (`resp_`, `msg_`, `fc_`) and 48 random hex digits.
public enum ResponseID {
    /// The longest id `isWellFormed` accepts.
    public static let maxLength = 128

    private static let digits = Array("0123456789abcdef")

    public static func make(prefix: String) -> String {
        var generator = SystemRandomNumberGenerator()
        return prefix + String((0..<48).map { _ in digits.randomElement(using: &generator) ?? "0" })
    }

    /// Whether `id` can name a response: `resp…`, at most 128 letters, digits, `_` and `-`. Anything else is
    /// refused (or not found) without a look in the store.
    public static func isWellFormed(_ id: String) -> Bool {
        id.hasPrefix("resp") && id.utf8.count <= maxLength && id.utf8.allSatisfy {
            ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A) || $0 == 0x5F
                || $0 == 0x2D
        }
    }
}
