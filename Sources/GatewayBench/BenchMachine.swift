import Foundation

/// The machine a benchmark ran on, read from `/proc` and `/etc/os-release` (fields are nil where unreadable).
struct BenchMachine: Encodable, Sendable {
    let nproc: Int
    let cpuModel: String?
    let memoryTotalBytes: Int?
    let os: String?

    static func current() -> BenchMachine {
        BenchMachine(
            nproc: ProcessInfo.processInfo.activeProcessorCount,
            cpuModel: field("model name", in: "/proc/cpuinfo", separator: ":"),
            memoryTotalBytes: field("MemTotal", in: "/proc/meminfo", separator: ":")
                .flatMap { Int($0.split(separator: " ").first ?? "") }.map { $0 * 1024 },
            os: field("PRETTY_NAME", in: "/etc/os-release", separator: "=")
                .map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "\"")) }
        )
    }

    /// The trimmed value of the first line `key<separator>value` of `path`.
    private static func field(_ key: String, in path: String, separator: Character) -> String? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: separator, maxSplits: 1)
            guard parts.count == 2, parts[0].trimmingCharacters(in: .whitespaces) == key else { continue }
            return parts[1].trimmingCharacters(in: .whitespaces)
        }
        return nil
    }
}
