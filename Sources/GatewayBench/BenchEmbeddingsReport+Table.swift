import Foundation

extension BenchEmbeddingsReport {
    /// The report as a readable table.
    func table() -> String {
        var lines: [String] = []
        lines.append("ai-gateway bench embeddings: \(url), model \(model), \(date)")
        lines.append("machine: \(machine.nproc) x \(machine.cpuModel ?? "unknown CPU"), \(machine.os ?? "unknown OS")")
        lines.append("texts: \(texts.source): \(texts.count) texts of \(texts.minWords)-\(texts.maxWords) words "
            + "(mean \(Self.format(texts.meanWords, 1))), \(texts.batches) batches of up to \(texts.batchSize); "
            + "single text: \"\(texts.singleText)\"")
        lines.append("")
        let header = ["scenario", "in-flight", "inputs/req", "requests", "failed", "seconds", "texts/s", "req/s",
                      "p50 ms", "p95 ms", "p99 ms", "peak RSS", "bench CPU", "other CPU"]
        var rows = [header]
        for name in BenchScenario.allCases.map(\.rawValue) {
            guard let result = scenarios[name] else { continue }
            rows.append([
                name,
                String(result.concurrency),
                String(result.inputsPerRequest),
                String(result.requests),
                String(result.failed),
                Self.format(result.seconds, 2),
                Self.format(result.textsPerSecond, 1),
                Self.format(result.requestsPerSecond, 1),
                result.latencyMs.map { Self.format($0.p50, 2) } ?? "-",
                result.latencyMs.map { Self.format($0.p95, 2) } ?? "-",
                result.latencyMs.map { Self.format($0.p99, 2) } ?? "-",
                result.peakRSSBytes.map(Self.mebibytes) ?? "-",
                result.cpu.benchSeconds.map { Self.format($0, 1) + " s" } ?? "-",
                result.cpu.otherSeconds.map { Self.format($0, 1) + " s" } ?? "-",
            ])
        }
        let widths = header.indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
        for row in rows {
            let cells = row.indices.map { column in
                column == 0 ? Self.pad(row[column], widths[column], left: true) : Self.pad(row[column], widths[column])
            }
            lines.append(cells.joined(separator: "  "))
        }
        lines.append("")
        var memoryLine = "memory: peak RSS \(memory.peakRSSBytes.map(Self.mebibytes) ?? "unknown")"
        if let highWaterMark = memory.highWaterMarkBytes {
            memoryLine += ", VmHWM \(Self.mebibytes(highWaterMark))"
        }
        lines.append(memoryLine + " (\(memory.source))")
        lines.append("bench CPU: this client's CPU time; other CPU: busy time of every process but the bench and the "
            + "server (needs --server-pid), during the measured requests; much above 0 means disturbed numbers")
        for name in BenchScenario.allCases.map(\.rawValue) {
            guard let result = scenarios[name] else { continue }
            if result.stoppedBy == "duration" {
                lines.append("\(name): stopped by the \(Self.format(settings.durationLimitSeconds, 0)) s limit "
                    + "after \(result.requests) requests")
            }
            if let error = result.firstError {
                lines.append("\(name): \(result.failed) failed, \(result.warmupFailed) in the warmup; first: \(error)")
            }
        }
        return lines.joined(separator: "\n")
    }

    static func format(_ value: Double, _ decimals: Int) -> String {
        String(format: "%.\(decimals)f", value)
    }

    static func mebibytes(_ bytes: Int) -> String {
        format(Double(bytes) / 1_048_576, 1) + " MiB"
    }

    private static func pad(_ text: String, _ width: Int, left: Bool = false) -> String {
        let padding = String(repeating: " ", count: max(0, width - text.count))
        return left ? text + padding : padding + text
    }
}
