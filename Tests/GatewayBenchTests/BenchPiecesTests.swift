import GatewayCore
import Testing
@testable import GatewayBench

/// The load generator's pure pieces: the SSE parser, the latency statistics and the seeded text generator.
@Suite struct BenchPiecesTests {
    @Test("SSE: events split across any byte boundary, CR LF / CR / LF endings, multi-line data, comments skipped")
    func sseParser() {
        let stream = Array(": keep-alive\r\n\r\ndata: {\"a\":1}\r\n\r\ndata: one\rdata: two\r\rid: 7\nevent: x\ndata:[DONE]\n\n".utf8)
        for split in 0...stream.count {
            var parser = BenchChatSSEParser()
            let events = parser.feed(stream[..<split]) + parser.feed(stream[split...])
            #expect(events == ["{\"a\":1}", "one\ntwo", "[DONE]"], "split at \(split)")
        }
        var parser = BenchChatSSEParser()
        #expect(parser.feed(Array("data: unfinished\n".utf8)).isEmpty)
        #expect(parser.feed(Array("\n".utf8)) == ["unfinished"])
    }

    @Test("latency percentiles interpolate between the closest ranks (numpy's linear method)")
    func percentiles() throws {
        let summary = try #require(BenchLatencySummary((1...5).map { Duration.milliseconds($0) }))
        #expect(summary.min == 1 && summary.max == 5 && summary.mean == 3)
        #expect(summary.p50 == 3)
        #expect(abs(summary.p95 - 4.8) < 1e-9)
        #expect(abs(summary.p99 - 4.96) < 1e-9)
        #expect(BenchLatencySummary([]) == nil)
        let one = try #require(BenchLatencySummary([.microseconds(1500)]))
        #expect(one.p50 == 1.5 && one.p99 == 1.5)
    }

    @Test("SplitMix64 matches the reference generator's first outputs for seed 0")
    func splitMix() {
        var generator = SplitMix64(seed: 0)
        #expect(generator.next() == 0xE220_A839_7B1D_CDAF)
        #expect(generator.next() == 0x6E78_9E6A_A1B9_65F4)
        #expect(generator.next() == 0x06C4_5D18_8009_454F)
    }
}
