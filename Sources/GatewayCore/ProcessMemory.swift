import Foundation

/// Memory readings for `/health`: this process's resident set and the system's memory in use, from `/proc`.
public enum ProcessMemory {
    /// Resident set size of this process in bytes (0 where `/proc` is missing).
    public static func residentBytes() -> Int {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
        let fields = text.split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return 0 }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }

    /// Percentage of system memory in use (total minus available), 0 where `/proc/meminfo` is missing.
    public static func systemUsedPercent() -> Double {
        guard let text = try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8) else { return 0 }
        var values: [String: Double] = [:]
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: ":", maxSplits: 1)
            guard parts.count == 2 else { continue }
            let number = parts[1].split(separator: " ").first.flatMap { Double($0) }
            values[String(parts[0])] = number
        }
        guard let total = values["MemTotal"], total > 0, let available = values["MemAvailable"] else { return 0 }
        return ((total - available) / total * 1000).rounded() / 10
    }

    /// Physical memory in bytes, or the cgroup's memory limit when that is lower.
    public static func physicalBytes() -> Int {
        let physical = Int(clamping: ProcessInfo.processInfo.physicalMemory)
        if let text = try? String(contentsOfFile: "/sys/fs/cgroup/memory.max", encoding: .utf8),
           let limit = Int(text.trimmingCharacters(in: .whitespacesAndNewlines)), limit > 0 {
            return min(physical, limit)
        }
        return physical
    }
}
