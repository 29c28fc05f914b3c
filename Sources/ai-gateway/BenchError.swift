/// A failure of `ai-gateway bench`, with the message the user sees.
struct BenchError: Error, CustomStringConvertible {
    let message: String

    init(_ message: String) {
        self.message = message
    }

    var description: String { message }
}
