/// Which KV cache row holds what: the tokens whose keys and values each row keeps, and when each was last used.
/// A new request reuses the row with the longest common token prefix (keeping the rows in use together, then least
/// recently used, among near equals) and runs only the rest; rows in use are never handed out; a history in the way
/// of compactness moves to a spare row. Pure: no buffers, only bookkeeping (moves are returned for the caller).
public struct PrefixCache: Sendable, Equatable {
    public struct Row: Sendable, Equatable {
        public var tokens: [Int32] = []
        public var inUse = false
        public var lastUsed: UInt64 = 0
    }

    /// A history copied from one row to another before the first row is given to a new request: the first `length`
    /// positions of `from` (its keys and values) go to `to`, which the bookkeeping already shows holding them.
    public struct Move: Sendable, Equatable {
        public let from: Int
        public let to: Int
        public let length: Int
    }

    public private(set) var rows: [Row]
    private var clock: UInt64 = 0

    public init(rows: Int) {
        self.rows = Array(repeating: Row(), count: max(1, rows))
    }

    /// Prompt tokens a request may give up to keep the decode range compact (see `acquire`).
    public static let compactnessMargin = 32

    /// A free row for `prompt` and how many of its first tokens are already cached there; nil when every row is in
    /// use. At least two prompt tokens always run (one for a one-token prompt): the last gives the logits of the
    /// first new token, and a single token runs through the graph's one-token path, whose results differ slightly
    /// from a prompt chunk's, so a cached run would not give exactly the cold run's output.
    ///
    /// Among the free rows that reuse nearly the most (within `compactnessMargin` tokens), the row that keeps the
    /// rows in use closest together wins: every decode step runs the whole range between the lowest and the highest
    /// row in use, so four requests spread over eight rows cost an eight-row step at every token (measured: 4 streams
    /// fell to the speed of 8). Then a row that gives up at most `compactnessMargin` cached tokens (empty, or nearly
    /// all reused), then the longer reuse, then the least recently used.
    ///
    /// When the row taken holds a longer history, which another conversation may come back for, and a free row holds
    /// next to nothing, the history moves there (`move`: the caller copies its keys and values before anything runs
    /// in the row taken), so compactness costs no history while a spare row exists.
    public mutating func acquire(prompt: [Int32]) -> (row: Int, reused: Int, move: Move?)? {
        let busy = rows.indices.filter { rows[$0].inUse }
        var candidates: [(row: Int, reused: Int, span: Int, cheap: Bool, lastUsed: UInt64)] = []
        for (index, row) in rows.enumerated() where !row.inUse {
            let common = Self.commonPrefix(row.tokens, prompt)
            let reused = min(common, max(0, prompt.count - 2))
            let low = min(busy.first ?? index, index)
            let high = max(busy.last ?? index, index)
            let cheap = row.tokens.count - reused <= Self.compactnessMargin
            candidates.append((index, reused, high - low + 1, cheap, row.lastUsed))
        }
        guard let most = candidates.map(\.reused).max() else { return nil }
        let near = candidates.filter { $0.reused + Self.compactnessMargin >= most }
        let chosen = near.min { a, b in
            if a.span != b.span { return a.span < b.span }
            if a.cheap != b.cheap { return a.cheap }
            if a.reused != b.reused { return a.reused > b.reused }
            return a.lastUsed < b.lastUsed
        }
        guard let best = chosen else { return nil }
        var move: Move?
        if !best.cheap, let spare = rows.indices.filter({
            $0 != best.row && !rows[$0].inUse && rows[$0].tokens.count <= Self.compactnessMargin
        }).min(by: { (rows[$0].tokens.count, rows[$0].lastUsed) < (rows[$1].tokens.count, rows[$1].lastUsed) }) {
            move = Move(from: best.row, to: spare, length: rows[best.row].tokens.count)
            rows[spare].tokens = rows[best.row].tokens
            rows[spare].lastUsed = rows[best.row].lastUsed
        }
        clock += 1
        rows[best.row].inUse = true
        rows[best.row].lastUsed = clock
        rows[best.row].tokens = Array(rows[best.row].tokens.prefix(best.reused))
        return (best.row, best.reused, move)
    }

    /// Records that `row` now caches `tokens` for reuse: only tokens computed as a cold run computes them (prompt
    /// chunks of two or more tokens; not generated tokens, which ran one at a time).
    public mutating func update(row: Int, tokens: [Int32]) {
        guard rows.indices.contains(row) else { return }
        rows[row].tokens = tokens
    }

    /// The request on `row` ended; its tokens stay for a later request to reuse.
    public mutating func release(row: Int) {
        guard rows.indices.contains(row) else { return }
        clock += 1
        rows[row].inUse = false
        rows[row].lastUsed = clock
    }

    static func commonPrefix(_ a: [Int32], _ b: [Int32]) -> Int {
        var count = 0
        while count < a.count, count < b.count, a[count] == b[count] { count += 1 }
        return count
    }
}
