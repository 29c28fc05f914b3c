import Foundation

/// CPU time counters read from `/proc` at one instant; the difference of two tells how much of the machine the
/// benchmark, the server and everything else used in between, so that numbers taken on a busy machine show it.
struct BenchCPUSnapshot: Sendable {
    /// Busy time of all CPUs (`/proc/stat`: everything but idle and iowait, steal included), in clock ticks.
    let machineBusy: Int?
    /// This process's user + system time, in clock ticks.
    let bench: Int?
    /// The server's user + system time, in clock ticks (with `--server-pid` only).
    let server: Int?

    /// Where the time between two snapshots went, in CPU seconds.
    struct Usage: Encodable, Sendable {
        let machineBusySeconds: Double?
        let benchSeconds: Double?
        let serverSeconds: Double?
        /// Busy time of processes other than the bench and the server: noise when it is not near 0.
        let otherSeconds: Double?
    }

    static func now(serverPID: Int32?) -> BenchCPUSnapshot {
        BenchCPUSnapshot(machineBusy: machineBusyTicks(), bench: processTicks("self"),
                         server: serverPID.flatMap { processTicks(String($0)) })
    }

    /// The usage from `start` to this snapshot.
    func usage(since start: BenchCPUSnapshot) -> Usage {
        let ticksPerSecond = Double(sysconf(Int32(_SC_CLK_TCK)))
        func seconds(_ end: Int?, _ begin: Int?) -> Double? {
            guard let end, let begin else { return nil }
            return Double(end - begin) / ticksPerSecond
        }
        let busy = seconds(machineBusy, start.machineBusy)
        let bench = seconds(bench, start.bench)
        let server = seconds(server, start.server)
        let other = busy.flatMap { busy in bench.map { Swift.max(0, busy - $0 - (server ?? 0)) } }
        return Usage(machineBusySeconds: busy, benchSeconds: bench, serverSeconds: server,
                     otherSeconds: server == nil ? nil : other)
    }

    private static func machineBusyTicks() -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/stat", encoding: .utf8),
              let line = text.split(separator: "\n").first, line.hasPrefix("cpu ")
        else { return nil }
        let fields = line.split(separator: " ").dropFirst().compactMap { Int($0) }
        guard fields.count >= 5 else { return nil }
        // user nice system idle iowait irq softirq steal ...; guest time is already inside user and nice.
        return fields.prefix(8).enumerated().filter { $0.offset != 3 && $0.offset != 4 }.map(\.element).reduce(0, +)
    }

    /// utime + stime of `/proc/<id>/stat` (fields 14 and 15, counted after the parenthesised command name).
    private static func processTicks(_ id: String) -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/\(id)/stat", encoding: .utf8),
              let close = text.lastIndex(of: ")")
        else { return nil }
        let fields = text[text.index(after: close)...].split(separator: " ")
        // fields[0] is the state (field 3), so utime (field 14) is fields[11] and stime fields[12].
        guard fields.count > 12, let user = Int(fields[11]), let system = Int(fields[12]) else { return nil }
        return user + system
    }
}
