/// The decode engine's decisions, as a pure state machine: which request holds which KV cache row, and what each
/// step runs. Requests wait in arrival order for a free row (beyond `maxQueued` waiting, new ones are refused); a
/// request gets the free row whose cached tokens share the longest prefix with its prompt (`PrefixCache`) and
/// prefills only the rest, in chunks, one request at a time, so a long prompt never stalls the running rows for its
/// whole length; every row with a sampled token decodes in the same step; a row leaves the moment its request
/// finishes or goes away, its tokens kept for a later request to reuse.
///
/// A step's decode call binds one contiguous range of rows (`Step.rows`). Rows inside it that are not decoding run
/// a dummy token at their own length: it writes past their cached tokens, where nothing is read, so their cache
/// stays valid. That is why a row never caches more than `rowLength - 1` tokens.
public struct EngineScheduler: Sendable {
    /// A waiting request.
    public struct Request: Sendable, Equatable {
        public let id: UInt64
        public let prompt: [Int32]

        public init(id: UInt64, prompt: [Int32]) {
            self.id = id
            self.prompt = prompt
        }
    }

    /// A chunk of one request's prompt to run in its row, after `past` cached positions. `last`: the chunk ends the
    /// prompt, so its logits give the request's first token.
    public struct Prefill: Sendable, Equatable {
        public let id: UInt64
        public let row: Int
        public let tokens: [Int32]
        public let past: Int
        public let last: Bool
    }

    /// What one step runs: at most one prefill chunk (first), then one decode call over `rows`, in which `tokens[i]`
    /// and `pasts[i]` belong to row `rows.lowerBound + i` and `ids[i]` is the request decoding there (nil: a dummy).
    public struct Step: Sendable, Equatable {
        /// Histories to copy between rows before anything else in the step runs (see `PrefixCache.Move`).
        public var moves: [PrefixCache.Move] = []
        public var prefill: Prefill?
        public var rows: Range<Int> = 0..<0
        public var ids: [UInt64?] = []
        public var tokens: [Int32] = []
        public var pasts: [Int] = []

        public var decodes: Bool { ids.contains { $0 != nil } }
    }

    /// A request that holds a row.
    struct Running: Sendable, Equatable {
        let row: Int
        let prompt: [Int32]
        /// Tokens whose keys and values the row holds.
        var cached: [Int32]
        /// Prompt tokens found in the cache when the request got its row.
        let reused: Int
        /// Leading cached tokens a later request may reuse: those computed in prompt chunks of two or more tokens,
        /// exactly as a cold run computes them.
        var reusable: Int
        /// The sampled token to run next (nil while prefilling).
        var pending: Int32?
    }

    /// Tokens of a free row to run again as a prompt chunk when the engine is otherwise idle: what its request generated
    /// (one token at a time, so not exactly what a cold run computes). Afterwards a conversation that continues
    /// with that answer reuses it exactly.
    public struct Refresh: Sendable, Equatable {
        public var start: Int
        public var tokens: [Int32]
    }

    /// The request id of a refresh's prefill chunk (no request: its logits are not used).
    public static let refreshID: UInt64 = 0

    public let rowLength: Int
    public let maxQueued: Int
    /// Prompt tokens per prefill chunk when no row decodes, and when some do.
    public let idleChunk: Int
    public let busyChunk: Int
    public private(set) var cache: PrefixCache
    public private(set) var waiting: [Request] = []
    /// Free rows whose generated tokens are to be run again, by row.
    public private(set) var refreshes: [Int: Refresh] = [:]
    private(set) var running: [UInt64: Running] = [:]
    /// Running requests in the order they got their rows (the first still prefilling goes next).
    private var admitted: [UInt64] = []
    /// Moves decided while admitting, for the next step to carry out first.
    private var moves: [PrefixCache.Move] = []

    public init(rows: Int, rowLength: Int, maxQueued: Int, idleChunk: Int = 256, busyChunk: Int = 64) {
        cache = PrefixCache(rows: rows)
        self.rowLength = max(2, rowLength)
        self.maxQueued = max(0, maxQueued)
        self.idleChunk = max(1, idleChunk)
        self.busyChunk = max(1, min(busyChunk, idleChunk))
    }

    public var rows: Int { cache.rows.count }
    public var runningCount: Int { running.count }
    public var isIdle: Bool { running.isEmpty && waiting.isEmpty }

    /// Whether there is anything to run, refreshes included.
    public var hasWork: Bool { !isIdle || !refreshes.isEmpty }

    /// Queues a request; false when it must be refused because `maxQueued` requests already wait and no row is
    /// free. A prompt must leave room for one new token in a row (the caller checks: `prompt.count < rowLength`).
    public mutating func submit(_ request: Request) -> Bool {
        guard !request.prompt.isEmpty, request.prompt.count < rowLength else { return false }
        let freeRows = rows - running.count
        guard waiting.count < maxQueued + max(0, freeRows) else { return false }
        waiting.append(request)
        return true
    }

    /// Removes a waiting or running request; its row (if it had one) is free again, keeping the tokens it cached
    /// exactly, and scheduling a refresh of what it generated (`last`: its final token, if not yet recorded). False
    /// when the id is unknown.
    @discardableResult
    public mutating func remove(_ id: UInt64, last: Int32? = nil) -> Bool {
        if let index = waiting.firstIndex(where: { $0.id == id }) {
            waiting.remove(at: index)
            return true
        }
        guard let entry = running.removeValue(forKey: id) else { return false }
        admitted.removeAll { $0 == id }
        let exact = min(entry.reusable, rowLength - 1)
        var all = entry.cached
        if let pending = entry.pending { all.append(pending) }
        if let last { all.append(last) }
        cache.update(row: entry.row, tokens: Array(all.prefix(exact)))
        let generated = exact < all.count ? Array(all[exact..<min(all.count, rowLength - 1)]) : []
        refreshes[entry.row] = generated.count >= 2 && entry.cached.count >= entry.prompt.count
            ? Refresh(start: exact, tokens: generated) : nil
        cache.release(row: entry.row)
        return true
    }

    /// Forgets what `row` caches (a step that wrote it failed).
    public mutating func forget(row: Int) {
        refreshes[row] = nil
        cache.update(row: row, tokens: [])
    }

    /// Records the token sampled for `id` (after its last prefill chunk or a decode): it runs in the next step.
    public mutating func sampled(_ id: UInt64, token: Int32) {
        running[id]?.pending = token
    }

    /// Prompt tokens `id` reused from the cache (0 for an unknown id).
    public func reused(_ id: UInt64) -> Int { running[id]?.reused ?? 0 }

    /// The row `id` holds, if it runs.
    public func row(of id: UInt64) -> Int? { running[id]?.row }

    /// Tokens the row of `id` holds; a request whose row is full cannot decode again.
    public func cachedCount(_ id: UInt64) -> Int { running[id]?.cached.count ?? 0 }

    /// Gives waiting requests free rows, then plans the next step and records it as run; nil when there is nothing
    /// to run.
    public mutating func nextStep() -> Step? {
        admit()
        var step = Step()
        step.moves = moves
        moves = []
        let decoding = admitted.filter { running[$0]?.pending != nil }
        let prefilling = admitted.first { id in running[id].map { $0.cached.count < $0.prompt.count } ?? false }
        if let id = prefilling, var entry = running[id] {
            let chunk = decoding.isEmpty ? idleChunk : busyChunk
            let start = entry.cached.count
            var end = min(entry.prompt.count, start + chunk)
            // Never leave a last chunk of one token (see `reusable`).
            if entry.prompt.count - end == 1, end - start > 2 { end -= 1 }
            let tokens = Array(entry.prompt[start..<end])
            if tokens.count >= 2, entry.reusable == start { entry.reusable = end }
            step.prefill = Prefill(id: id, row: entry.row, tokens: tokens, past: start, last: end == entry.prompt.count)
            entry.cached += tokens
            running[id] = entry
        }
        // A refresh runs only when nothing else would wait for it: no request queued, no row decoding. Under load a
        // continued conversation prefills its answer with its next turn instead (the same work, done only if used).
        if step.prefill == nil, waiting.isEmpty, decoding.isEmpty, let row = refreshes.keys.min(),
           var refresh = refreshes[row], !cache.rows[row].inUse, cache.rows[row].tokens.count == refresh.start {
            var count = min(refresh.tokens.count, idleChunk)
            if refresh.tokens.count - count == 1 { count -= 1 }
            let tokens = Array(refresh.tokens.prefix(count))
            step.prefill = Prefill(id: Self.refreshID, row: row, tokens: tokens, past: refresh.start, last: false)
            cache.update(row: row, tokens: cache.rows[row].tokens + tokens)
            refresh.start += count
            refresh.tokens.removeFirst(count)
            refreshes[row] = refresh.tokens.count >= 2 ? refresh : nil
        } else if step.prefill == nil, let row = refreshes.keys.min(),
                  cache.rows[row].inUse || cache.rows[row].tokens.count != refreshes[row]?.start {
            refreshes[row] = nil
        }
        let decodingRows = decoding.compactMap { running[$0]?.row }
        if let low = decodingRows.min(), let high = decodingRows.max() {
            step.rows = low..<(high + 1)
            var holders: [Int: UInt64] = [:]
            for (id, entry) in running { holders[entry.row] = id }
            for row in step.rows {
                if let id = holders[row], var entry = running[id], let token = entry.pending {
                    step.ids.append(id)
                    step.tokens.append(token)
                    step.pasts.append(entry.cached.count)
                    entry.cached.append(token)
                    entry.pending = nil
                    running[id] = entry
                } else {
                    // A dummy token at the row's own length: past everything it caches.
                    let length = holders[row].flatMap { running[$0]?.cached.count } ?? cache.rows[row].tokens.count
                    step.ids.append(nil)
                    step.tokens.append(0)
                    step.pasts.append(min(length, rowLength - 1))
                }
            }
        }
        return step.prefill == nil && !step.decodes && step.moves.isEmpty ? nil : step
    }

    /// Moves waiting requests into free rows, in arrival order.
    private mutating func admit() {
        while let request = waiting.first, let (row, reused, move) = cache.acquire(prompt: request.prompt) {
            waiting.removeFirst()
            if let move {
                // The history (and its pending refresh) now lives in the spare row.
                moves.append(move)
                refreshes[move.to] = refreshes.removeValue(forKey: move.from)
            }
            refreshes[row] = nil
            let cached = Array(request.prompt.prefix(reused))
            running[request.id] = Running(row: row, prompt: request.prompt, cached: cached, reused: reused,
                                          reusable: reused, pending: nil)
            admitted.append(request.id)
        }
    }
}
