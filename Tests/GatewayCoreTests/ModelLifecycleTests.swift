import Foundation
import Testing
@testable import GatewayCore

/// The model lifecycle state machine alone: every event in every phase it matters in, with the actions expected.
@Suite struct ModelLifecycleTests {
    typealias Action = ModelLifecycle.Action
    let start = ContinuousClock.now
    static let mib = 1_048_576

    func at(_ seconds: Double) -> ContinuousClock.Instant { start + .milliseconds(Int64(seconds * 1000)) }

    /// A machine with models `a` (100 MiB), `b` (60 MiB) and `c` (30 MiB), keep-alive 300 s, budget `budget` MiB.
    func machine(budget: Int = 1000) -> ModelLifecycle {
        var lifecycle = ModelLifecycle(budget: budget * Self.mib)
        lifecycle.register(id: "a", estimate: 100 * Self.mib, keepAlive: .seconds(300))
        lifecycle.register(id: "b", estimate: 60 * Self.mib, keepAlive: .seconds(300))
        lifecycle.register(id: "c", estimate: 30 * Self.mib, keepAlive: .seconds(300))
        return lifecycle
    }

    /// Loads `id` for waiter `waiter` and returns its epoch.
    @discardableResult
    func loaded(_ lifecycle: inout ModelLifecycle, _ id: String, waiter: UInt64, at time: Double,
                resident: Int = 0) -> Int {
        #expect(lifecycle.request(id: id, waiter: waiter, keepAlive: nil, now: at(time)) == [.load(id)])
        let actions = lifecycle.loadSucceeded(id: id, residentBytes: resident, now: at(time))
        guard case .grant(let waiters, let grantedID, let epoch)? = actions.first else {
            Issue.record("no grant: \(actions)")
            return -1
        }
        #expect(waiters == [waiter] && grantedID == id)
        return epoch
    }

    @Test("a first request loads; requests during the load wait; the load grants them all one lease each")
    func firstRequestLoads() {
        var lifecycle = machine()
        #expect(lifecycle.request(id: "a", waiter: 1, keepAlive: nil, now: at(0)) == [.load("a")])
        for waiter in 2...10 {
            #expect(lifecycle.request(id: "a", waiter: UInt64(waiter), keepAlive: nil, now: at(0)).isEmpty)
        }
        let actions = lifecycle.loadSucceeded(id: "a", residentBytes: 80 * Self.mib, now: at(1))
        #expect(actions == [.grant(Array(1...10), id: "a", epoch: 1)])
        guard case .loaded(let loaded)? = lifecycle.models["a"]?.phase else { Issue.record("not loaded"); return }
        #expect(loaded.leases == 10)
        #expect(loaded.residentBytes == 80 * Self.mib)
    }

    @Test("a request for a loaded model is granted at once")
    func loadedGrants() {
        var lifecycle = machine()
        let epoch = loaded(&lifecycle, "a", waiter: 1, at: 0)
        #expect(lifecycle.request(id: "a", waiter: 2, keepAlive: nil, now: at(1)) == [.grant([2], id: "a", epoch: epoch)])
    }

    @Test("an unknown model fails its waiter with model_not_found")
    func unknown() {
        var lifecycle = machine()
        #expect(lifecycle.request(id: "zz", waiter: 1, keepAlive: nil, now: at(0)) == [.fail([1], .modelNotFound("zz"))])
    }

    @Test("a failed load fails every waiter, then fails requests at once until the back-off is over, then retries")
    func failedLoadBacksOff() throws {
        var lifecycle = machine()
        _ = lifecycle.request(id: "a", waiter: 1, keepAlive: nil, now: at(0))
        _ = lifecycle.request(id: "a", waiter: 2, keepAlive: nil, now: at(0))
        let error = ServingError(.modelLoadFailed, "broken weights")
        let actions = lifecycle.loadFailed(id: "a", error: error, now: at(1))
        guard case .fail(let waiters, let failure)? = actions.first else { Issue.record("\(actions)"); return }
        #expect(waiters == [1, 2])
        #expect(failure.message == "broken weights")
        #expect(failure.retryAfterSeconds == 1)
        // Within the back-off: fails at once, no load.
        let during = lifecycle.request(id: "a", waiter: 3, keepAlive: nil, now: at(1.5))
        guard case .fail([3], let again)? = during.first, during.count == 1 else { Issue.record("\(during)"); return }
        #expect(again.code == .modelLoadFailed && again.retryAfterSeconds == 1)
        // After it: a new load.
        #expect(lifecycle.request(id: "a", waiter: 4, keepAlive: nil, now: at(2.1)) == [.load("a")])
        // A second failure doubles the back-off.
        let second = lifecycle.loadFailed(id: "a", error: error, now: at(3))
        guard case .fail([4], let doubled)? = second.first else { Issue.record("\(second)"); return }
        #expect(doubled.retryAfterSeconds == 2)
        #expect(lifecycle.request(id: "a", waiter: 5, keepAlive: nil, now: at(4.5)).first.map {
            if case .fail = $0 { true } else { false }
        } == true)
        #expect(lifecycle.request(id: "a", waiter: 6, keepAlive: nil, now: at(5.1)) == [.load("a")])
        // Success resets the count.
        _ = lifecycle.loadSucceeded(id: "a", residentBytes: 0, now: at(6))
        #expect(lifecycle.models["a"]?.failures == 0)
    }

    @Test("other models keep serving while one has failed")
    func failureIsolated() {
        var lifecycle = machine()
        _ = lifecycle.request(id: "a", waiter: 1, keepAlive: nil, now: at(0))
        _ = lifecycle.loadFailed(id: "a", error: ServingError(.modelLoadFailed, "x"), now: at(0))
        loaded(&lifecycle, "b", waiter: 2, at: 0.1)
    }

    @Test("releasing the last lease starts the keep-alive; the tick unloads after it, not before")
    func keepAliveTimer() {
        var lifecycle = machine()
        let epoch = loaded(&lifecycle, "a", waiter: 1, at: 0)
        #expect(lifecycle.release(id: "a", epoch: epoch, now: at(10)).isEmpty)
        #expect(lifecycle.tick(now: at(309)).isEmpty)
        #expect(lifecycle.tick(now: at(310.1)) == [.unload("a", force: false)])
        #expect(lifecycle.models["a"]?.phase == .unloading(waiters: [], charge: 100 * Self.mib))
        #expect(lifecycle.unloaded(id: "a").isEmpty)
        #expect(lifecycle.models["a"]?.phase == .available)
    }

    @Test("a model with a lease never unloads by its keep-alive")
    func leasedNeverTimesOut() {
        var lifecycle = machine()
        loaded(&lifecycle, "a", waiter: 1, at: 0)
        #expect(lifecycle.tick(now: at(100_000)).isEmpty)
    }

    @Test("keep_alive 0 from a request unloads as soon as the last lease ends; -1 never unloads")
    func requestKeepAlive() {
        var lifecycle = machine()
        #expect(lifecycle.request(id: "a", waiter: 1, keepAlive: .seconds(0), now: at(0)) == [.load("a")])
        _ = lifecycle.loadSucceeded(id: "a", residentBytes: 0, now: at(0))
        #expect(lifecycle.request(id: "a", waiter: 2, keepAlive: nil, now: at(0)).count == 1)
        let epoch = lifecycle.models["a"]?.epoch ?? -1
        #expect(lifecycle.release(id: "a", epoch: epoch, now: at(1)).isEmpty)
        #expect(lifecycle.release(id: "a", epoch: epoch, now: at(2)) == [.unload("a", force: false)])
        _ = lifecycle.unloaded(id: "a")
        // After unloading, the configured keep-alive is back.
        #expect(lifecycle.models["a"]?.keepAlive == .seconds(300))

        let forever = loaded(&lifecycle, "b", waiter: 3, at: 0)
        _ = lifecycle.request(id: "b", waiter: 4, keepAlive: .forever, now: at(0))
        _ = lifecycle.release(id: "b", epoch: forever, now: at(0))
        _ = lifecycle.release(id: "b", epoch: forever, now: at(0))
        #expect(lifecycle.tick(now: at(1e8)).isEmpty)
    }

    @Test("a load that does not fit evicts idle models, least recently used first, and starts when they are gone")
    func evictsLRU() {
        var lifecycle = machine(budget: 170)
        let a = loaded(&lifecycle, "a", waiter: 1, at: 0)      // 100
        let c = loaded(&lifecycle, "c", waiter: 2, at: 1)      // 30
        _ = lifecycle.release(id: "a", epoch: a, now: at(5))   // a used at 5
        _ = lifecycle.release(id: "c", epoch: c, now: at(3))   // c used at 3 (older)
        // b needs 60: 130 used + 60 > 170; evicting c (oldest, 30) leaves 100 + 60 = 160: fits.
        #expect(lifecycle.request(id: "b", waiter: 3, keepAlive: nil, now: at(6)) == [.unload("c", force: false)])
        #expect(lifecycle.models["b"]?.phase == .waitingForMemory(waiters: [3], evicting: ["c"]))
        #expect(lifecycle.unloaded(id: "c") == [.load("b")])
        #expect(lifecycle.loadSucceeded(id: "b", residentBytes: 0, now: at(7)) == [.grant([3], id: "b", epoch: 1)])
    }

    @Test("a leased model is never evicted: when only it could make room, the request fails with who holds memory")
    func leasedNotEvicted() {
        var lifecycle = machine(budget: 150)
        loaded(&lifecycle, "a", waiter: 1, at: 0)   // 100, leased
        let actions = lifecycle.request(id: "b", waiter: 2, keepAlive: nil, now: at(1))
        guard case .fail([2], let error)? = actions.first, actions.count == 1 else { Issue.record("\(actions)"); return }
        #expect(error.code == .insufficientMemory)
        #expect(error.message.contains("a (in use by 1 request, 100.0 MiB)"), "\(error.message)")
        #expect(lifecycle.models["a"]?.phase != .available)
        #expect(lifecycle.models["b"]?.phase == .available)
    }

    @Test("a model larger than the whole budget fails at once, evicting nothing")
    func largerThanBudget() {
        var lifecycle = machine(budget: 50)
        loaded(&lifecycle, "c", waiter: 1, at: 0)
        let actions = lifecycle.request(id: "a", waiter: 2, keepAlive: nil, now: at(1))
        guard case .fail([2], let error)? = actions.first, actions.count == 1 else { Issue.record("\(actions)"); return }
        #expect(error.code == .insufficientMemory)
        #expect(error.message.contains("more than the whole memory budget"))
    }

    @Test("the measured resident size counts when it is above the estimate")
    func residentCharged() {
        var lifecycle = machine(budget: 1000)
        loaded(&lifecycle, "a", waiter: 1, at: 0, resident: 400 * Self.mib)
        #expect(lifecycle.usedBytes == 400 * Self.mib)
        var smaller = machine(budget: 1000)
        loaded(&smaller, "a", waiter: 1, at: 0, resident: 10 * Self.mib)
        #expect(smaller.usedBytes == 100 * Self.mib)
    }

    /// The code an unload request is refused with (nil: accepted).
    func refusal(_ lifecycle: inout ModelLifecycle, _ id: String, force: Bool) -> ServingError.Code? {
        do {
            _ = try lifecycle.unloadRequested(id: id, force: force)
            return nil
        } catch {
            return error.code
        }
    }

    @Test("unload: refused with model_in_use while leased, forced stops it, a loading model refuses, idle unloads")
    func unloadRequests() throws {
        var lifecycle = machine()
        let epoch = loaded(&lifecycle, "a", waiter: 1, at: 0)
        #expect(refusal(&lifecycle, "a", force: false) == .modelInUse)
        #expect(try lifecycle.unloadRequested(id: "a", force: true) == [.unload("a", force: true)])
        // The old lease's release is ignored after the forced unload and a reload.
        _ = lifecycle.unloaded(id: "a")
        let newEpoch = loaded(&lifecycle, "a", waiter: 2, at: 1)
        #expect(newEpoch == epoch + 1)
        #expect(lifecycle.release(id: "a", epoch: epoch, now: at(2)).isEmpty)
        guard case .loaded(let loaded)? = lifecycle.models["a"]?.phase else { Issue.record("not loaded"); return }
        #expect(loaded.leases == 1)
        _ = lifecycle.release(id: "a", epoch: newEpoch, now: at(2))
        #expect(try lifecycle.unloadRequested(id: "a", force: false) == [.unload("a", force: false)])
        // Loading: refused.
        _ = lifecycle.request(id: "b", waiter: 3, keepAlive: nil, now: at(3))
        #expect(refusal(&lifecycle, "b", force: true) == .modelInUse)
        // Available: nothing to do. Unknown: not found.
        #expect(try lifecycle.unloadRequested(id: "c", force: false).isEmpty)
        #expect(refusal(&lifecycle, "zz", force: false) == .modelNotFound)
    }

    @Test("unloading a failed model clears its back-off, so the next request loads at once")
    func unloadClearsFailure() throws {
        var lifecycle = machine()
        _ = lifecycle.request(id: "a", waiter: 1, keepAlive: nil, now: at(0))
        _ = lifecycle.loadFailed(id: "a", error: ServingError(.modelLoadFailed, "x"), now: at(0))
        #expect(try lifecycle.unloadRequested(id: "a", force: false).isEmpty)
        #expect(lifecycle.request(id: "a", waiter: 2, keepAlive: nil, now: at(0.1)) == [.load("a")])
    }

    @Test("a request during an unload waits and gets a fresh load when the unload is done")
    func requestDuringUnload() throws {
        var lifecycle = machine()
        let epoch = loaded(&lifecycle, "a", waiter: 1, at: 0)
        _ = lifecycle.release(id: "a", epoch: epoch, now: at(0))
        _ = try lifecycle.unloadRequested(id: "a", force: false)
        #expect(lifecycle.request(id: "a", waiter: 2, keepAlive: nil, now: at(1)).isEmpty)
        #expect(lifecycle.unloaded(id: "a") == [.load("a")])
        #expect(lifecycle.loadSucceeded(id: "a", residentBytes: 0, now: at(2)) == [.grant([2], id: "a", epoch: epoch + 1)])
    }

    @Test("a request during an unload keeps the keep-alive it sent once the model is loaded again")
    func keepAliveSurvivesReload() throws {
        var lifecycle = machine()
        let epoch = loaded(&lifecycle, "a", waiter: 1, at: 0)
        _ = lifecycle.release(id: "a", epoch: epoch, now: at(0))
        _ = lifecycle.tick(now: at(301))
        #expect(lifecycle.request(id: "a", waiter: 2, keepAlive: .forever, now: at(301)).isEmpty)
        #expect(lifecycle.unloaded(id: "a") == [.load("a")])
        #expect(lifecycle.models["a"]?.keepAlive == .forever)
    }

    @Test("memory an unload in progress frees counts: the load waits for it instead of failing")
    func waitsForUnloadInProgress() throws {
        var lifecycle = machine(budget: 120)
        let a = loaded(&lifecycle, "a", waiter: 1, at: 0)    // 100 of 120
        _ = lifecycle.release(id: "a", epoch: a, now: at(1))
        _ = try lifecycle.unloadRequested(id: "a", force: false)
        // b (60) does not fit beside a's 100 still being freed, but fits once it is gone.
        #expect(lifecycle.request(id: "b", waiter: 2, keepAlive: nil, now: at(2)).isEmpty)
        #expect(lifecycle.models["b"]?.phase == .waitingForMemory(waiters: [2], evicting: ["a"]))
        #expect(lifecycle.unloaded(id: "a") == [.load("b")])
    }

    @Test("a model larger than the budget says a retry will not help")
    func noRetryForTooLarge() {
        var lifecycle = machine(budget: 50)
        guard case .fail(_, let error)? = lifecycle.request(id: "a", waiter: 1, keepAlive: nil, now: at(0)).first else {
            Issue.record("not failed")
            return
        }
        #expect(error.retryAfterSeconds == 0)
    }

    @Test("a cancelled waiter is dropped: the load grants only the others; a load nobody waits for idles")
    func cancelledWaiter() {
        var lifecycle = machine()
        _ = lifecycle.request(id: "a", waiter: 1, keepAlive: nil, now: at(0))
        _ = lifecycle.request(id: "a", waiter: 2, keepAlive: nil, now: at(0))
        let first = lifecycle.cancel(id: "a", waiter: 1)
        let second = lifecycle.cancel(id: "a", waiter: 1)
        #expect(first)
        #expect(!second)
        #expect(lifecycle.loadSucceeded(id: "a", residentBytes: 0, now: at(1)) == [.grant([2], id: "a", epoch: 1)])
        var lonely = machine()
        _ = lonely.request(id: "b", waiter: 1, keepAlive: .seconds(0), now: at(0))
        _ = lonely.cancel(id: "b", waiter: 1)
        #expect(lonely.loadSucceeded(id: "b", residentBytes: 0, now: at(1)) == [.unload("b", force: false)])
    }

    @Test("re-registering keeps a request's keep-alive; removing drops only idle models")
    func registerAndRemove() {
        var lifecycle = machine()
        loaded(&lifecycle, "a", waiter: 1, at: 0)
        _ = lifecycle.request(id: "a", waiter: 2, keepAlive: .seconds(5), now: at(0))
        lifecycle.register(id: "a", estimate: 1, keepAlive: .seconds(300))
        #expect(lifecycle.models["a"]?.keepAlive == .seconds(5))
        lifecycle.remove(id: "a")
        #expect(lifecycle.models["a"] != nil)
        lifecycle.remove(id: "b")
        #expect(lifecycle.models["b"] == nil)
    }
}

/// Keep-alive and memory-budget values, as config, requests and `ai-gateway.yaml` write them.
@Suite struct ModelValueParsingTests {
    @Test("keep-alive: seconds, negative for ever, durations; nonsense is nil", arguments: [
        ("300", KeepAlive.seconds(300)), ("0", .seconds(0)), ("-1", .forever), ("-5m", .forever), ("2.5", .seconds(2.5)),
        ("5m", .seconds(300)), ("1h30m", .seconds(5400)), ("90s", .seconds(90)), ("500ms", .seconds(0.5)),
        ("1h0m10s", .seconds(3610)),
    ])
    func keepAlive(text: String, expected: KeepAlive) {
        #expect(KeepAlive.parse(text) == expected)
    }

    @Test("keep-alive nonsense", arguments: ["", "forever", "5 parsecs", "m", "1e300", "nan", "inf", "5x", "--1", "1h-5m"])
    func keepAliveBad(text: String) {
        #expect(KeepAlive.parse(text) == nil)
    }

    @Test("memory budget: bytes, sizes and percents", arguments: [
        ("80%", MemoryBudget.percent(80)), ("12.5%", .percent(12.5)), ("8GiB", .bytes(8 << 30)), ("8G", .bytes(8 << 30)),
        ("512MiB", .bytes(512 << 20)), ("1.5GB", .bytes(1_500_000_000)), ("2000000", .bytes(2_000_000)),
    ])
    func budget(text: String, expected: MemoryBudget) {
        #expect(MemoryBudget.parse(text) == expected)
    }

    @Test("memory budget nonsense", arguments: ["0", "0%", "101%", "-5GiB", "lots", "1e400", "5 parsecs", "10", "%"])
    func budgetBad(text: String) {
        #expect(MemoryBudget.parse(text) == nil)
    }

    @Test("a percent budget is that share of physical memory")
    func percentOfPhysical() {
        #expect(MemoryBudget.percent(50).bytes(physical: 1000) == 500)
        #expect(MemoryBudget.bytes(42).bytes(physical: 1000) == 42)
    }
}
