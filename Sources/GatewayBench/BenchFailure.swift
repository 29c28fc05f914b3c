/// A benchmark that cannot run (no server, an unexpected answer): ArgumentParser prints it as one `Error: ...` line
/// and exits 1.
struct BenchFailure: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) { self.description = description }
}
