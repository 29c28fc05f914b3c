import Testing
@testable import GatewayCore

/// The decode engine's scheduler alone: rows, queue, chunked prefill, decode ranges and what a row keeps.
@Suite struct EngineSchedulerTests {
    @Test("a prompt is prefilled in chunks, never leaving a last chunk of one token, then decodes")
    func chunkedPrefill() throws {
        var scheduler = EngineScheduler(rows: 2, rowLength: 64, maxQueued: 0, idleChunk: 4, busyChunk: 2)
        let r1 = scheduler.submit(.init(id: 1, prompt: Array(1...9)))
        #expect(r1)
        var chunks: [[Int32]] = []
        while let step = scheduler.nextStep(), let prefill = step.prefill {
            #expect(!step.decodes)
            chunks.append(prefill.tokens)
            #expect(prefill.last == (chunks.joined().count == 9))
        }
        #expect(chunks == [[1, 2, 3, 4], [5, 6, 7], [8, 9]])
        scheduler.sampled(1, token: 42)
        let stepPlanned = scheduler.nextStep()
        let step = try #require(stepPlanned)
        #expect(step.prefill == nil && step.ids == [1] && step.tokens == [42] && step.pasts == [9])
        let idle = scheduler.nextStep()
        #expect(idle == nil, "nothing to run until a token is sampled")
    }

    @Test("a new request prefills in small chunks while others decode; rows in between run dummies at their length")
    func joinsRunningBatch() throws {
        var scheduler = EngineScheduler(rows: 3, rowLength: 64, maxQueued: 4, idleChunk: 8, busyChunk: 2)
        let r2 = scheduler.submit(.init(id: 1, prompt: [1, 2, 3]))
        #expect(r2)
        let r3 = scheduler.submit(.init(id: 2, prompt: [7, 8, 9, 10]))
        #expect(r3)
        _ = scheduler.nextStep()
        scheduler.sampled(1, token: 5)
        let r4 = scheduler.submit(.init(id: 3, prompt: [20, 21, 22, 23, 24]))
        #expect(r4)
        // Request 2 (row 1) prefills while 1 decodes; 1 decodes alone (range 0..<1).
        let stepPlanned = scheduler.nextStep()
        let step = try #require(stepPlanned)
        #expect(step.prefill?.id == 2 && step.prefill?.tokens.count == 2)
        #expect(step.ids == [1] && step.rows == 0..<1)
        _ = scheduler.nextStep()  // rest of 2
        scheduler.sampled(2, token: 11)
        scheduler.sampled(1, token: 6)
        scheduler.remove(1)  // 1 finished: its row frees, keeping its prompt
        let nextPlanned = scheduler.nextStep()
        let next = try #require(nextPlanned)
        // Request 3 took a row: the free row 0 (nothing in common) or row 2; 2 decodes on row 1.
        #expect(next.ids.contains(2))
        #expect(next.prefill?.id == 3 && next.prefill?.tokens.count == 2)
        #expect(scheduler.runningCount == 2)
    }

    @Test("rows between decoding rows run a dummy token at their own length")
    func dummies() throws {
        var scheduler = EngineScheduler(rows: 3, rowLength: 64, maxQueued: 4, idleChunk: 8, busyChunk: 8)
        for id in UInt64(1)...3 {
            let accepted = scheduler.submit(.init(id: id, prompt: Array(repeating: Int32(id), count: 4)))
            #expect(accepted)
        }
        for _ in 0..<3 { _ = scheduler.nextStep() }
        scheduler.sampled(1, token: 5)
        scheduler.sampled(3, token: 6)
        let stepPlanned = scheduler.nextStep()
        let step = try #require(stepPlanned)
        #expect(step.rows == 0..<3 && step.ids == [1, nil, 3] && step.pasts == [4, 4, 4])
        #expect(step.tokens == [5, 0, 6])
    }

    @Test("the queue holds maxQueued requests beyond the free rows; more are refused; a waiting one can leave")
    func queue() {
        var scheduler = EngineScheduler(rows: 1, rowLength: 16, maxQueued: 1)
        let r5 = scheduler.submit(.init(id: 1, prompt: [1, 2]))
        #expect(r5)
        _ = scheduler.nextStep()
        let r6 = scheduler.submit(.init(id: 2, prompt: [1, 2]))
        #expect(r6)
        let r7 = scheduler.submit(.init(id: 3, prompt: [1, 2]))
        #expect(!r7, "queue full")
        let r8 = scheduler.remove(2)
        #expect(r8)
        let r9 = scheduler.submit(.init(id: 3, prompt: [1, 2]))
        #expect(r9)
        let r10 = scheduler.remove(99)
        #expect(!r10)
        let r11 = scheduler.submit(.init(id: 4, prompt: []))
        #expect(!r11, "an empty prompt")
    }

    @Test("a finished row keeps only its prompt chunks for reuse, never generated or single tokens")
    func keepsReusablePrompt() throws {
        var scheduler = EngineScheduler(rows: 1, rowLength: 32, maxQueued: 0, idleChunk: 8, busyChunk: 8)
        let r12 = scheduler.submit(.init(id: 1, prompt: [1, 2, 3, 4, 5]))
        #expect(r12)
        _ = scheduler.nextStep()
        scheduler.sampled(1, token: 9)
        _ = scheduler.nextStep()
        scheduler.remove(1)
        #expect(scheduler.cache.rows[0].tokens == [1, 2, 3, 4, 5])
        let r13 = scheduler.submit(.init(id: 2, prompt: [1, 2, 3, 4, 5, 9, 10]))
        #expect(r13)
        let stepPlanned = scheduler.nextStep()
        let step = try #require(stepPlanned)
        #expect(step.prefill?.past == 5 && step.prefill?.tokens == [9, 10])
        #expect(scheduler.reused(2) == 5)
        scheduler.remove(2)
        // A one-token prompt runs alone: nothing of it is kept.
        let r14 = scheduler.submit(.init(id: 3, prompt: [7]))
        #expect(r14)
        _ = scheduler.nextStep()
        scheduler.remove(3)
        #expect(scheduler.cache.rows[0].tokens.isEmpty)
    }

    @Test("the KV budget is divided into rows of at least 512 tokens (or the context), at most maxRows")
    func layout() {
        #expect(KVLayout.plan(tokens: 16384, context: 8192, maxRows: 8) == (8, 2048))
        #expect(KVLayout.plan(tokens: 4096, context: 8192, maxRows: 8) == (8, 512))
        #expect(KVLayout.plan(tokens: 1024, context: 8192, maxRows: 8) == (2, 512))
        #expect(KVLayout.plan(tokens: 100, context: 8192, maxRows: 8) == (1, 100))
        #expect(KVLayout.plan(tokens: 100_000, context: 4096, maxRows: 4) == (4, 4096))
        #expect(KVLayout.plan(tokens: 0, context: 0, maxRows: 0) == (1, 2))
    }
}

extension EngineSchedulerTests {
    @Test("a finished request's generated tokens run again as a chunk when nothing waits, then are reused")
    func refreshesGenerated() throws {
        var scheduler = EngineScheduler(rows: 2, rowLength: 32, maxQueued: 2, idleChunk: 8, busyChunk: 8)
        let accepted = scheduler.submit(.init(id: 1, prompt: [1, 2, 3, 4]))
        #expect(accepted)
        _ = scheduler.nextStep()
        scheduler.sampled(1, token: 10)
        _ = scheduler.nextStep()
        scheduler.sampled(1, token: 11)
        _ = scheduler.nextStep()
        scheduler.remove(1, last: 12)  // generated 10, 11, 12 (12 never ran)
        #expect(scheduler.cache.rows[0].tokens == [1, 2, 3, 4])
        #expect(scheduler.refreshes[0] == .init(start: 4, tokens: [10, 11, 12]))
        #expect(scheduler.hasWork && scheduler.isIdle)
        let planned = scheduler.nextStep()
        let refresh = try #require(planned?.prefill)
        #expect(refresh.id == EngineScheduler.refreshID && refresh.row == 0 && refresh.past == 4)
        #expect(refresh.tokens == [10, 11, 12] && !refresh.last)
        #expect(scheduler.cache.rows[0].tokens == [1, 2, 3, 4, 10, 11, 12] && !scheduler.hasWork)
        // The next turn reuses the prompt and the answer.
        let next = scheduler.submit(.init(id: 2, prompt: [1, 2, 3, 4, 10, 11, 12, 20, 21]))
        #expect(next)
        _ = scheduler.nextStep()
        #expect(scheduler.reused(2) == 7)
    }

    @Test("a refresh waits while another row decodes: running streams never pay for it")
    func refreshWaitsForIdle() throws {
        var scheduler = EngineScheduler(rows: 2, rowLength: 32, maxQueued: 2, idleChunk: 8, busyChunk: 8)
        _ = scheduler.submit(.init(id: 1, prompt: [1, 2, 3, 4]))
        _ = scheduler.submit(.init(id: 2, prompt: [5, 6, 7, 8]))
        _ = scheduler.nextStep()  // 1 prefills
        scheduler.sampled(1, token: 10)
        _ = scheduler.nextStep()  // 2 prefills, 1 decodes
        scheduler.sampled(1, token: 11)
        scheduler.sampled(2, token: 20)
        _ = scheduler.nextStep()
        scheduler.remove(1, last: 12)
        scheduler.sampled(2, token: 21)
        #expect(scheduler.refreshes[0] != nil)
        let busyStep = scheduler.nextStep()
        let busy = try #require(busyStep)
        #expect(busy.prefill == nil && busy.ids.contains(2), "2 decodes alone")
        scheduler.remove(2, last: 22)
        let idleStep = scheduler.nextStep()
        let idle = try #require(idleStep)
        #expect(idle.prefill?.id == EngineScheduler.refreshID && idle.prefill?.row == 0 && !idle.decodes)
    }

    @Test("a history in the way of a compact range moves first, with its pending refresh")
    func movesBeforeRunning() throws {
        var scheduler = EngineScheduler(rows: 4, rowLength: 64, maxQueued: 4, idleChunk: 64, busyChunk: 64)
        let history = [Int32](repeating: 7, count: 40)
        _ = scheduler.submit(.init(id: 1, prompt: [1, 2, 3]))
        _ = scheduler.submit(.init(id: 2, prompt: history))
        _ = scheduler.nextStep()  // 1 prefills in row 0
        scheduler.sampled(1, token: 10)
        _ = scheduler.nextStep()  // 2 prefills in row 1
        scheduler.sampled(2, token: 11)
        _ = scheduler.nextStep()
        scheduler.sampled(1, token: 12)
        scheduler.remove(2, last: 13)  // row 1 keeps the 40-token history, with a refresh of 11, 13 pending
        #expect(scheduler.refreshes[1] != nil)
        _ = scheduler.submit(.init(id: 3, prompt: [9, 9, 9]))
        let stepped = scheduler.nextStep()
        let step = try #require(stepped)
        #expect(step.moves == [PrefixCache.Move(from: 1, to: 2, length: 40)], "\(step.moves)")
        #expect(step.prefill?.id == 3 && step.prefill?.row == 1, "3 takes the row next to 1's")
        #expect(scheduler.refreshes[1] == nil && scheduler.refreshes[2]?.start == 40, "the refresh moved too")
        #expect(scheduler.cache.rows[2].tokens == history)
        let following = scheduler.nextStep()
        #expect(following?.moves.isEmpty == true, "a move runs once")
    }

    @Test("a waiting request goes before a refresh, and taking the row drops it")
    func requestsBeforeRefreshes() throws {
        var scheduler = EngineScheduler(rows: 1, rowLength: 32, maxQueued: 2, idleChunk: 8, busyChunk: 8)
        _ = scheduler.submit(.init(id: 1, prompt: [1, 2, 3]))
        _ = scheduler.nextStep()
        scheduler.remove(1, last: 9)  // only one generated token: nothing to refresh
        #expect(scheduler.refreshes.isEmpty)
        _ = scheduler.submit(.init(id: 2, prompt: [1, 2, 3]))
        _ = scheduler.nextStep()
        scheduler.sampled(2, token: 5)
        scheduler.remove(2, last: 6)
        #expect(scheduler.refreshes[0] != nil)
        _ = scheduler.submit(.init(id: 3, prompt: [7, 8, 9]))
        let planned = scheduler.nextStep()
        #expect(planned?.prefill?.id == 3)
        #expect(scheduler.refreshes.isEmpty, "the row was taken")
    }
}
