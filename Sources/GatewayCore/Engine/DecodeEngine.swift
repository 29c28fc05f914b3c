import Foundation
import ONNXRuntime

/// The decode engine of one chat model: one thread steps every running request together over the raw ONNX Runtime
/// session (`DecoderModel`), with the KV cache in rows of our own (`KVCache`) that outlive requests, so a new
/// request reuses the longest cached prefix of its prompt. `EngineScheduler` decides what each step runs; this
/// class runs it, samples each row in Swift (`Sampler`), detokenizes, matches stop strings and hands the pieces to
/// each request's consumer. Inference runs only on the engine's own thread.
public final class DecodeEngine: @unchecked Sendable {
    /// What a request needs from the tokenizer: a fresh incremental decoder (never splitting a UTF-8 character),
    /// and one token's text (for log-probabilities).
    public struct Detokenizer: Sendable {
        public let makeStream: @Sendable () throws -> (@Sendable (Int32) throws -> String)
        public let tokenText: @Sendable (Int32) -> String

        public init(makeStream: @escaping @Sendable () throws -> (@Sendable (Int32) throws -> String),
                    tokenText: @escaping @Sendable (Int32) -> String) {
            self.makeStream = makeStream
            self.tokenText = tokenText
        }
    }

    /// One request, as the engine thread sees it. Fields below `finish` change only on that thread.
    final class Job: @unchecked Sendable {
        let id: UInt64
        let prompt: [Int32]
        let parameters: GenerationParameters
        let emit: @Sendable (GenerationEvent) -> Void
        let stop: StopFlag
        let finish: @Sendable ((any Error)?) -> Void
        let maxNew: Int
        /// The request's grammar: masks every step's logits, advanced with each chosen token.
        let constraint: GuidanceConstraint?
        var sampler: Sampler
        var decoder: (@Sendable (Int32) throws -> String)?
        var stops: StopSequenceMatcher
        var generated = 0
        var cachedTokens = 0
        var pendingLogprobs: [TokenLogprobs] = []
        var done = false

        init(id: UInt64, prompt: [Int32], parameters: GenerationParameters, maxNew: Int,
             constraint: GuidanceConstraint?, emit: @escaping @Sendable (GenerationEvent) -> Void, stop: StopFlag,
             finish: @escaping @Sendable ((any Error)?) -> Void) {
            self.id = id
            self.constraint = constraint
            self.prompt = prompt
            self.parameters = parameters
            self.maxNew = maxNew
            self.emit = emit
            self.stop = stop
            self.finish = finish
            sampler = Sampler(parameters: parameters)
            stops = StopSequenceMatcher(stops: parameters.stop)
        }
    }

    public let model: DecoderModel
    let cache: KVCache
    /// Positions one request may use: its prompt and everything it generates.
    public let rowLength: Int
    /// KV cache rows: requests decoded at once.
    public var rows: Int { cache.rows }
    let eos: Set<Int32>
    let metrics: EngineMetrics
    let detokenizer: Detokenizer
    private let name: String

    private let condition = NSCondition()
    private var scheduler: EngineScheduler
    private var jobs: [UInt64: Job] = [:]
    private var nextID: UInt64 = 0
    private var accepting = true
    private var running = true
    private var exited = false

    /// Throws when the KV cache cannot be allocated.
    public init(name: String, model: DecoderModel, rows: Int, rowLength: Int, maxQueued: Int, eos: [Int32],
                metrics: EngineMetrics, detokenizer: Detokenizer) throws {
        self.name = name
        self.model = model
        let rowLength = max(2, min(rowLength, model.config.contextLength))
        self.rowLength = rowLength
        cache = KVCache(rows: rows, maxLength: rowLength, config: model.config)
        guard cache.isAllocated else {
            throw DecoderError("the KV cache (\(rows) rows of \(rowLength) tokens, "
                               + "\(KVCache.bytes(rows: rows, maxLength: rowLength, config: model.config)) bytes) "
                               + "could not be allocated")
        }
        scheduler = EngineScheduler(rows: rows, rowLength: rowLength, maxQueued: maxQueued,
                                    idleChunk: DecoderModel.maxChunk, busyChunk: 64)
        self.eos = Set(eos)
        self.metrics = metrics
        self.detokenizer = detokenizer
        let thread = Thread { [self] in self.loop() }
        thread.name = "decode-\(name)"
        thread.stackSize = 4 << 20
        thread.start()
    }

    /// Requests holding a row now.
    public var activeCount: Int {
        condition.lock()
        defer { condition.unlock() }
        return scheduler.runningCount
    }

    /// Requests waiting for a row.
    public var queuedCount: Int {
        condition.lock()
        defer { condition.unlock() }
        return scheduler.waiting.count
    }

    /// Queues a generation after `prompt`. Throws `contextLengthExceeded` when the prompt leaves no room in a row,
    /// `queueFull` when every row is busy and the queue is full, `shuttingDown` after `stopAll`. `emit` gets text
    /// pieces, then one `.finished`; `finish` is called once at the end (with an error when the generation failed).
    /// `constraint` (built from `parameters.grammar`, see `GrammarSource`) restricts every token to its grammar.
    /// Returns the id for `cancel`.
    public func submit(prompt: [Int32], parameters: GenerationParameters, constraint: GuidanceConstraint? = nil,
                       emit: @escaping @Sendable (GenerationEvent) -> Void, stop: StopFlag,
                       finish: @escaping @Sendable ((any Error)?) -> Void) throws -> UInt64 {
        guard !prompt.isEmpty else { throw ServingError(.invalidInput, "The prompt has no tokens") }
        guard prompt.count < rowLength else {
            throw ServingError(.contextLengthExceeded,
                               "The prompt has \(prompt.count) tokens; this model serves at most \(rowLength - 1) "
                                   + "prompt tokens per request (its KV cache rows hold \(rowLength))")
        }
        let room = rowLength - prompt.count
        let maxNew = max(1, min(parameters.maxTokens ?? room, room))
        condition.lock()
        defer { condition.unlock() }
        guard accepting else { throw ServingError(.shuttingDown, "The server is shutting down") }
        nextID += 1
        let id = nextID
        guard scheduler.submit(.init(id: id, prompt: prompt)) else {
            throw ServingError(.queueFull, "Too many requests: every generation slot is busy and the queue is full; "
                                   + "retry shortly")
        }
        jobs[id] = Job(id: id, prompt: prompt, parameters: parameters, maxNew: maxNew, constraint: constraint,
                       emit: emit, stop: stop, finish: finish)
        metrics.queueDepth(scheduler.waiting.count)
        condition.signal()
        return id
    }

    /// Wakes the engine so it drops a request whose consumer went away (its stop flag is set): a waiting one at
    /// once, a running one before its next step.
    public func cancel(_ id: UInt64) {
        condition.lock()
        condition.signal()
        condition.unlock()
    }

    /// Refuses new requests, fails the waiting ones as shutting down and stops the running ones before their next
    /// token (they end as `length`).
    public func stopAll() {
        condition.lock()
        accepting = false
        for job in jobs.values { job.stop.set(.shutdown) }
        condition.signal()
        condition.unlock()
    }

    /// Stops everything (as `stopAll`), ends the engine thread and waits for it.
    public func shutdown() {
        stopAll()
        condition.lock()
        running = false
        condition.broadcast()
        while !exited { condition.wait() }
        condition.unlock()
    }

    // MARK: - The engine thread

    private func loop() {
        var busy = false
        while true {
            condition.lock()
            let endings = dropStopped()
            if endings.isEmpty && running && !scheduler.hasWork {
                if busy {
                    // Hand the pages a burst freed back to the system once nothing runs.
                    busy = false
                    condition.unlock()
                    ReturnMemory.toSystem()
                } else {
                    condition.wait()
                    condition.unlock()
                }
                continue
            }
            if !running && scheduler.isIdle {
                // Every stream has ended before `shutdown` returns.
                condition.unlock()
                for ending in endings { ending() }
                condition.lock()
                exited = true
                condition.broadcast()
                condition.unlock()
                return
            }
            busy = true
            let step = scheduler.nextStep()
            let stepJobs = jobs
            metrics.queueDepth(scheduler.waiting.count)
            metrics.activeGenerations(scheduler.runningCount)
            let reused = step?.prefill.map { scheduler.reused($0.id) } ?? 0
            condition.unlock()
            // Ending a stream runs its consumer's termination handler, which may call `cancel` (and take the lock).
            for ending in endings { ending() }
            guard let step else { continue }
            do {
                try run(step, jobs: stepJobs, reused: reused)
            } catch {
                fail(step, jobs: stepJobs, error: error)
            }
        }
    }

    /// Removes requests whose stop flag is set (with the lock held) and returns how to end each, to run once the
    /// lock is released: a consumer that went away ends silently, a shutdown ends a running request as `length`
    /// and a waiting one as shutting down.
    private func dropStopped() -> [() -> Void] {
        var endings: [() -> Void] = []
        for (id, job) in jobs {
            guard let reason = job.stop.reason else { continue }
            let wasRunning = scheduler.row(of: id) != nil
            scheduler.remove(id)
            jobs[id] = nil
            switch (reason, wasRunning) {
            case (.consumerGone, _):
                endings.append { job.finish(CancellationError()) }
            case (.shutdown, true):
                endings.append { [self] in
                    end(job, reason: .length)
                    job.finish(nil)
                }
            case (.shutdown, false):
                endings.append { job.finish(ServingError(.shuttingDown, "The server is shutting down")) }
            }
        }
        return endings
    }

    private func run(_ step: EngineScheduler.Step, jobs: [UInt64: Job], reused: Int) throws {
        // Histories move to spare rows before the rows they leave are written.
        for move in step.moves { cache.copyRow(move.from, to: move.to, length: move.length) }
        if let prefill = step.prefill {
            try model.forward(tokens: prefill.tokens, row: prefill.row, past: prefill.past, cache: cache) { logits in
                if prefill.last, let job = jobs[prefill.id] {
                    job.cachedTokens = reused
                    advance(job, logits: logits)
                }
            }
        }
        if step.decodes {
            metrics.recordStep(rows: step.ids.count { $0 != nil })
            try model.decode(tokens: step.tokens, rows: step.rows, pasts: step.pasts, cache: cache) { logits in
                for (index, id) in step.ids.enumerated() {
                    guard let id, let job = jobs[id] else { continue }
                    advance(job, logits: logits(index))
                }
            }
        }
    }

    /// Samples a request's next token and emits what it makes; a finished request leaves its row at once.
    private func advance(_ job: Job, logits: UnsafeMutableBufferPointer<Float>) {
        guard !job.done else { return }
        if job.stop.isSet { return }  // dropped before the next step
        if let constraint = job.constraint {
            do {
                try constraint.allowedTokens().apply(to: logits)
            } catch {
                release(job, error: ServingError(.engineFailure, "The grammar failed: \(error)"))
                return
            }
        }
        let token = job.sampler.choose(logits)
        if eos.contains(token) {
            end(job, reason: .stop)
            release(job, last: token)
            return
        }
        if let constraint = job.constraint {
            do {
                try constraint.commit(token)
            } catch {
                release(job, error: ServingError(.engineFailure, "The grammar failed: \(error)"))
                return
            }
        }
        job.generated += 1
        if job.parameters.logprobs {
            job.pendingLogprobs.append(logprobs(token: token, logits: Array(logits), top: job.parameters.topLogprobs))
        }
        let piece: String
        do {
            if job.decoder == nil { job.decoder = try detokenizer.makeStream() }
            piece = try job.decoder?(token) ?? ""
        } catch {
            piece = ""
        }
        let (text, matched) = job.stops.feed(piece)
        if !text.isEmpty || (matched && !job.pendingLogprobs.isEmpty) {
            job.emit(.text(text, logprobs: job.pendingLogprobs))
            job.pendingLogprobs = []
        }
        if matched {
            job.done = true
            job.emit(.finished(.stop, usage: usage(job)))
            release(job, last: token)
        } else if job.constraint?.isStopped == true {
            // The grammar is complete and allows nothing more.
            end(job, reason: .stop)
            release(job, last: token)
        } else if job.generated >= job.maxNew {
            end(job, reason: .length)
            release(job, last: token)
        } else {
            condition.lock()
            scheduler.sampled(job.id, token: token)
            condition.unlock()
        }
    }

    /// Emits what a stop string held back, then `.finished`.
    private func end(_ job: Job, reason: FinishReason) {
        guard !job.done else { return }
        let rest = job.stops.flush()
        if !rest.isEmpty || !job.pendingLogprobs.isEmpty {
            job.emit(.text(rest, logprobs: job.pendingLogprobs))
            job.pendingLogprobs = []
        }
        job.done = true
        job.emit(.finished(reason, usage: usage(job)))
    }

    private func release(_ job: Job, last: Int32? = nil, error: (any Error)? = nil) {
        condition.lock()
        scheduler.remove(job.id, last: last)
        jobs[job.id] = nil
        condition.unlock()
        job.done = true
        job.finish(error)
    }

    /// A failed step fails every request it ran (their rows are freed); the others go on.
    private func fail(_ step: EngineScheduler.Step, jobs stepJobs: [UInt64: Job], error: any Error) {
        var ids = Set(step.ids.compactMap { $0 })
        if let prefill = step.prefill {
            if prefill.id == EngineScheduler.refreshID {
                condition.lock()
                scheduler.forget(row: prefill.row)
                condition.unlock()
            } else {
                ids.insert(prefill.id)
            }
        }
        let failure = ServingError(.engineFailure, "Generation failed: \(error)")
        for id in ids {
            condition.lock()
            scheduler.remove(id)
            let job = jobs.removeValue(forKey: id)
            condition.unlock()
            job?.finish(failure)
        }
    }

    private func usage(_ job: Job) -> GenerationUsage {
        GenerationUsage(promptTokens: job.prompt.count, completionTokens: job.generated,
                        cachedTokens: job.cachedTokens, stopSequence: job.stops.matched)
    }

    private func logprobs(token: Int32, logits: [Float], top: Int) -> TokenLogprobs {
        TokenLogprobs.from(logits, range: 0..<logits.count, token: token, top: top, text: detokenizer.tokenText)
    }
}
