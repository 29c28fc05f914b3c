import Foundation

extension BenchChatReport {
    /// The report as a readable table.
    func table() -> String {
        var lines: [String] = []
        lines.append("ai-gateway bench chat: \(url), model \(model), \(date)")
        lines.append("machine: \(machine.nproc) x \(machine.cpuModel ?? "unknown CPU"), \(machine.os ?? "unknown OS")")
        lines.append("greedy, unique prompts; decode tok/s = (completion_tokens - 1) / (finish chunk - first content "
            + "chunk); aggregate = completion tokens of a round / (first request sent -> last stream done)")
        lines.append("")
        let header = ["scenario", "streams", "runs", "failed", "prompt tok", "new tok", "decode tok/s",
                      "aggregate tok/s", "TTFT p50 ms", "TTFT p95 ms", "server CPU", "other CPU"]
        var rows = [header]
        func cpu(_ seconds: Double?) -> String { seconds.map { Self.format($0, 1) + " s" } ?? "-" }
        func tokens(_ values: [Int]) -> String {
            guard let low = values.min(), let high = values.max() else { return "-" }
            return low == high ? String(low) : "\(low)-\(high)"
        }
        for (name, result) in [("single", scenarios.single), ("ttft", scenarios.ttft)] {
            guard let result else { continue }
            rows.append([
                name, "1", String(result.runs.count), String(result.failed + result.warmupFailed),
                tokens(result.promptTokens), tokens(result.completionTokens),
                result.decodeTokensPerSecond.map { Self.format($0.median, 1) } ?? "-", "-",
                result.ttftMs.map { Self.format($0.p50, 1) } ?? "-",
                result.ttftMs.map { Self.format($0.p95, 1) } ?? "-",
                cpu(result.cpu.serverSeconds), cpu(result.cpu.otherSeconds),
            ])
        }
        for level in scenarios.concurrent ?? [] {
            let streams = level.rounds.flatMap(\.streams)
            rows.append([
                "concurrent", String(level.concurrency), String(level.rounds.count),
                String(level.failed + level.warmupFailed),
                tokens(streams.compactMap(\.promptTokens)), tokens(streams.compactMap(\.completionTokens)),
                level.streamDecodeTokensPerSecond.map { Self.format($0.median, 1) } ?? "-",
                level.aggregateTokensPerSecond.map { Self.format($0.median, 1) } ?? "-",
                level.ttftMs.map { Self.format($0.p50, 1) } ?? "-",
                level.ttftMs.map { Self.format($0.p95, 1) } ?? "-",
                cpu(level.cpu.serverSeconds), cpu(level.cpu.otherSeconds),
            ])
        }
        let widths = header.indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
        for row in rows {
            lines.append(row.indices.map { Self.pad(row[$0], widths[$0], left: $0 == 0) }.joined(separator: "  "))
        }
        lines.append("(medians over the runs; concurrent decode tok/s is per stream)")
        lines.append("")
        for speedup in speedups {
            lines.append("aggregate at \(speedup.concurrency) / single-stream decode: "
                + "\(Self.format(speedup.aggregateOverSingle, 2))x")
        }
        var memoryLine = "memory: peak RSS \(memory.peakRSSBytes.map(Self.mebibytes) ?? "unknown")"
        if let highWaterMark = memory.highWaterMarkBytes {
            memoryLine += ", VmHWM \(Self.mebibytes(highWaterMark))"
        }
        lines.append(memoryLine + " (\(memory.source))")
        let errors = [("single", scenarios.single?.firstError), ("ttft", scenarios.ttft?.firstError)]
            + (scenarios.concurrent ?? []).map { ("concurrent \($0.concurrency)", $0.firstError) }
        for case let (name, error?) in errors {
            lines.append("\(name): first failure: \(error)")
        }
        return lines.joined(separator: "\n")
    }

    static func format(_ value: Double, _ decimals: Int) -> String {
        String(format: "%.\(decimals)f", value)
    }

    static func mebibytes(_ bytes: Int) -> String {
        format(Double(bytes) / 1_048_576, 1) + " MiB"
    }

    private static func pad(_ text: String, _ width: Int, left: Bool) -> String {
        let padding = String(repeating: " ", count: max(0, width - text.count))
        return left ? text + padding : padding + text
    }
}
