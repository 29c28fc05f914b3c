/// Every prompt one chat benchmark run sends, fixed up front from the seed and the counts so that the Python
/// baseline (`tools/bench_chat_direct.py --prompts`) can run the very same ones; `--dump-prompts` writes it as JSON.
/// No prompt appears twice, warmups included.
struct BenchChatPlan: Encodable, Sendable {
    /// The streams of one concurrency level: an unmeasured warmup round, then the measured rounds.
    struct Level: Encodable, Sendable {
        let concurrency: Int
        let warmup: [String]
        let rounds: [[String]]
    }

    let seed: UInt64
    /// New tokens asked of the single and concurrent streams.
    let maxTokens: Int
    /// New tokens asked of the TTFT streams (only the first one is timed).
    let ttftMaxTokens: Int
    /// New tokens asked of the warmup streams before the concurrent rounds.
    let warmupMaxTokens: Int
    let singleWarmup: String
    let single: [String]
    let ttftWarmup: String
    let ttft: [String]
    let concurrent: [Level]

    init(prompts: BenchChatPrompts, maxTokens: Int, ttftMaxTokens: Int, warmupMaxTokens: Int, repeats: Int,
         ttftRepeats: Int, levels: [Int]) {
        seed = prompts.seed
        self.maxTokens = maxTokens
        self.ttftMaxTokens = ttftMaxTokens
        self.warmupMaxTokens = warmupMaxTokens
        var next = 0
        func take(_ count: Int) -> [String] {
            defer { next += count }
            return (next..<(next + count)).map(prompts.short)
        }
        singleWarmup = take(1)[0]
        single = take(repeats)
        concurrent = levels.map { level in
            Level(concurrency: level, warmup: take(level), rounds: (0..<repeats).map { _ in take(level) })
        }
        ttftWarmup = prompts.long(0)
        ttft = (1...ttftRepeats).map(prompts.long)
    }
}
