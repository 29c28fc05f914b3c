/// The embedding batcher's decisions, as a pure state machine: items (one text each) go in, and `next(now:)` says
/// whether to wait, for how long, or which batches to run. It does no I/O and owns no thread, so tests drive it
/// with made-up clocks.
///
/// Policy: run as soon as a full batch is pending, or when the oldest pending item has waited `maxWait`; take at
/// most `maxItemsPerRound` items in arrival order (so one huge request cannot starve the rest), sort them by
/// length to cut padding, and cut them into batches of at most `batchSize` texts and at most `maxBatchTokens`
/// padded tokens (texts × longest text), so long texts run in small batches and short ones in large ones.
public struct BatchPlanner: Sendable {
    /// One text waiting to be embedded: which request and which of its inputs, and its length in tokens.
    public struct Item: Sendable, Equatable {
        public let request: UInt64
        public let index: Int
        public let length: Int
        public let arrival: ContinuousClock.Instant
    }

    /// What the owner should do next.
    public enum Decision: Sendable, Equatable {
        case idle
        case wait(until: ContinuousClock.Instant)
        case run([[Item]])
    }

    public let batchSize: Int
    public let maxWait: Duration
    public let maxItemsPerRound: Int
    public let maxBatchTokens: Int
    public private(set) var pending: [Item] = []

    public init(batchSize: Int, maxWait: Duration, maxItemsPerRound: Int? = nil, maxBatchTokens: Int = .max) {
        precondition(batchSize > 0 && maxBatchTokens > 0)
        self.batchSize = batchSize
        self.maxWait = maxWait
        self.maxItemsPerRound = max(batchSize, maxItemsPerRound ?? batchSize * 4)
        self.maxBatchTokens = maxBatchTokens
    }

    /// Adds the inputs of one request, with their token lengths.
    public mutating func enqueue(request: UInt64, lengths: [Int], now: ContinuousClock.Instant) {
        for (index, length) in lengths.enumerated() {
            pending.append(Item(request: request, index: index, length: length, arrival: now))
        }
    }

    /// Drops every pending item of a cancelled request.
    public mutating func cancel(request: UInt64) {
        pending.removeAll { $0.request == request }
    }

    public mutating func next(now: ContinuousClock.Instant) -> Decision {
        guard let oldest = pending.first else { return .idle }
        let deadline = oldest.arrival + maxWait
        guard pending.count >= batchSize || now >= deadline else { return .wait(until: deadline) }
        let take = min(pending.count, maxItemsPerRound)
        let round = pending.prefix(take).sorted { ($0.length, $0.request, $0.index) < ($1.length, $1.request, $1.index) }
        pending.removeFirst(take)
        var batches: [[Item]] = []
        var current: [Item] = []
        for item in round {
            // Sorted ascending, so `item` is the longest of the batch it joins.
            if !current.isEmpty && (current.count == batchSize || (current.count + 1) * item.length > maxBatchTokens) {
                batches.append(current)
                current = []
            }
            current.append(item)
        }
        if !current.isEmpty { batches.append(current) }
        return .run(batches)
    }
}
