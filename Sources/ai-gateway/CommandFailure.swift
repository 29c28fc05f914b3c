/// A failure that is not a usage mistake: ArgumentParser prints it as one `Error: ...` line and exits 1,
/// without the usage text a `ValidationError` would add.
struct CommandFailure: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) { self.description = description }
}
