import Testing
@testable import HubPull

@Suite struct ProgressTests {
    @Test func formatting() {
        #expect(PullProgressText.bytes(0) == "0 B")
        #expect(PullProgressText.bytes(999) == "999 B")
        #expect(PullProgressText.bytes(1000) == "1.0 kB")
        #expect(PullProgressText.bytes(22_928_619) == "22.9 MB")
        #expect(PullProgressText.bytes(113_714_432) == "113.7 MB")
        #expect(PullProgressText.bytes(999_960) == "1.0 MB")
        #expect(PullProgressText.bytes(4_200_000_000) == "4.2 GB")
        #expect(PullProgressText.bytes(-1) == "unknown size")
        #expect(PullProgressText.rate(12_345_678) == "12.3 MB/s")
        #expect(PullProgressText.rate(0) == "-- B/s")
        #expect(PullProgressText.duration(nil) == "--")
        #expect(PullProgressText.duration(4.2) == "5s")
        #expect(PullProgressText.duration(185) == "3m05s")
        #expect(PullProgressText.duration(3725) == "1h02m")
        #expect(PullProgressText.percent(50, of: 200) == "25%")
        #expect(PullProgressText.percent(5, of: 0) == "")
        #expect(PullProgressText.amount(1000, of: 2000) == "1.0 kB / 2.0 kB")
        #expect(PullProgressText.shortened("abcdef", limit: 4) == "…def")
    }

    @Test func rateEtaAndThrottle() {
        var progress = TransferProgress(files: [PulledFile(path: "a", size: 1000), PulledFile(path: "b", size: -1)])
        #expect(progress.total == 1000)
        progress.update(path: "a", bytes: 0, now: 10)
        #expect(progress.bytesPerSecond == 0)
        #expect(progress.snapshot(path: "a").etaSeconds == nil)
        progress.update(path: "a", bytes: 100, now: 11)
        #expect(progress.bytesPerSecond == 100)
        let snapshot = progress.snapshot(path: "a")
        #expect(snapshot.completed == 100)
        #expect(snapshot.fileTotal == 1000)
        #expect(snapshot.etaSeconds == 9)
        // A restart from byte 0 takes the bytes back out of the total.
        progress.update(path: "a", bytes: 0, now: 12)
        #expect(progress.completed == 0)
        #expect(progress.bytesPerSecond == 0)
        let slots = [20, 20.1, 20.26].map { progress.takeEmitSlot(now: $0) }
        #expect(slots == [true, false, true])
    }

    private func progress(_ file: String, _ done: Int64, _ size: Int64, total: Int64 = 300) -> PullEvent {
        .progress(PullProgress(file: file, fileCompleted: done, fileTotal: size, completed: done, total: total,
                               bytesPerSecond: 100, etaSeconds: 2))
    }

    @Test func plainLines() {
        var renderer = PullProgressRenderer(style: .plain)
        let files = [PulledFile(path: "onnx/model.onnx", size: 200), PulledFile(path: "vocab.txt", size: 100)]
        #expect(renderer.render(.resolved(revision: String(repeating: "a", count: 40), files: files), now: 0)
                == "revision aaaaaaaaaaaa: 2 files, 300 B\n")
        #expect(renderer.render(progress("onnx/model.onnx", 0, 200), now: 0.1)
                == "downloading onnx/model.onnx (200 B)\n")
        #expect(renderer.render(progress("onnx/model.onnx", 50, 200), now: 1) == "")
        #expect(renderer.render(progress("onnx/model.onnx", 100, 200), now: 2.1)
                == "total 33% 100 B / 300 B, 100 B/s, ETA 2s\n")
        #expect(renderer.render(progress("onnx/model.onnx", 150, 200), now: 3) == "")
        #expect(renderer.render(.fileDone(path: "onnx/model.onnx"), now: 3.1) == "done onnx/model.onnx (200 B)\n")
        #expect(renderer.render(.importing(file: "x.gguf"), now: 4).hasPrefix("importing x.gguf"))
        #expect(renderer.render(.finished(name: "m", directory: "/m"), now: 5) == "")
        #expect(renderer.finish() == "")
    }

    @Test func terminalRedrawsInPlace() {
        var renderer = PullProgressRenderer(style: .terminal)
        _ = renderer.render(.resolved(revision: "main", files: [PulledFile(path: "a.onnx", size: 200)]), now: 0)
        let first = renderer.render(progress("a.onnx", 0, 200, total: 200), now: 0.2)
        #expect(first == "  a.onnx  0% 0 B / 200 B\ntotal 0% 0 B / 200 B, 100 B/s, ETA 2s\n")
        let second = renderer.render(progress("a.onnx", 100, 200, total: 200), now: 0.4)
        #expect(second.hasPrefix("\u{1B}[2F\u{1B}[J  a.onnx  50% 100 B / 200 B\n"))
        #expect(renderer.render(progress("a.onnx", 120, 200, total: 200), now: 0.45) == "")  // redrawn ≤ 10/s
        let done = renderer.render(.fileDone(path: "a.onnx"), now: 0.6)
        #expect(done == "\u{1B}[2F\u{1B}[Jdone a.onnx (200 B)\n")
        #expect(renderer.finish() == "")
    }
}
