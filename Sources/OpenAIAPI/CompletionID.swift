/// Makes response ids in OpenAI's form: a prefix (`chatcmpl-`, `cmpl-`) and 29 random letters and digits.
enum CompletionID {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")

    static func make(prefix: String) -> String {
        var generator = SystemRandomNumberGenerator()
        return prefix + String((0..<29).map { _ in alphabet.randomElement(using: &generator) ?? "A" })
    }
}
