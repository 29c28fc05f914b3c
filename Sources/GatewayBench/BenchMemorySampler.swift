import AsyncHTTPClient
import Foundation

/// Samples the server's resident memory every 200 ms while a scenario runs: from `/proc/PID/status` when the
/// server's pid is known (and its `VmHWM` high-water mark), else from `GET /health`'s `memory.rss_bytes`.
struct BenchMemorySampler: Sendable {
    enum Source: Sendable {
        case process(Int32)
        case health(HTTPClient, baseURL: String)
    }

    let source: Source
    let interval: Duration = .milliseconds(200)

    /// Where the numbers come from, for the report.
    var sourceDescription: String {
        switch source {
        case .process(let pid): "/proc/\(pid)/status VmRSS (sampled every 200 ms) and VmHWM"
        case .health(_, let baseURL): "\(baseURL)/health memory.rss_bytes (sampled every 200 ms)"
        }
    }

    /// Samples until the task is cancelled; returns the largest value seen, nil when none could be read.
    func peakUntilCancelled() async -> Int? {
        var peak: Int?
        while !Task.isCancelled {
            if let value = await sample() { peak = Swift.max(peak ?? 0, value) }
            do { try await Task.sleep(for: interval) } catch { break }
        }
        if let value = await sample() { peak = Swift.max(peak ?? 0, value) }
        return peak
    }

    /// The resident set size now, in bytes.
    func sample() async -> Int? {
        switch source {
        case .process(let pid):
            return Self.procStatus(pid: pid, field: "VmRSS")
        case .health(let http, let baseURL):
            var request = HTTPClientRequest(url: baseURL + "/health")
            request.method = .GET
            guard let response = try? await http.execute(request, timeout: .seconds(5)), response.status.code == 200,
                  let body = try? await response.body.collect(upTo: 1 << 20),
                  let health = try? JSONDecoder().decode(Health.self, from: Data(body.readableBytesView))
            else { return nil }
            return health.memory.rssBytes
        }
    }

    /// The process's peak resident set size (`VmHWM`), when the pid is known.
    func highWaterMark() -> Int? {
        guard case .process(let pid) = source else { return nil }
        return Self.procStatus(pid: pid, field: "VmHWM")
    }

    /// A `kB` field of `/proc/PID/status`, in bytes.
    static func procStatus(pid: Int32, field: String) -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix(field + ":") {
            let parts = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard parts.count >= 2, let kilobytes = Int(parts[1]) else { return nil }
            return kilobytes * 1024
        }
        return nil
    }

    private struct Health: Decodable {
        struct Memory: Decodable {
            let rssBytes: Int

            enum CodingKeys: String, CodingKey { case rssBytes = "rss_bytes" }
        }

        let memory: Memory
    }
}
