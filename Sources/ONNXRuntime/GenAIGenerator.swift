import CONNXRuntime
import Foundation

/// One generation (an `OgaGenerator` and its `OgaGeneratorParams`): append the prompt, then call
/// `generateNextToken` until `isDone`, reading `nextTokens` after each step.
///
/// Every call blocks its thread while the model runs (milliseconds per token, the whole prompt on `append`), so
/// callers run it on a thread of their own, never on a NIO event loop nor Swift's cooperative pool. Owned by one
/// thread at a time (not `Sendable`); it keeps its model alive.
public final class GenAIGenerator {
    public let model: GenAIModel
    public let options: GenAISearchOptions
    private let params: OpaquePointer
    let handle: OpaquePointer
    /// Whether a prompt has been appended (the library has state to step from).
    var hasInput = false
    /// True after `generateNextToken` until the model has run on the token it chose (the next step, `logits()`
    /// or `setLogits`): the library's logits then still belong to the step before.
    var logitsAreStale = false

    /// Creates the generator; throws `OrtError(.invalidArgument)` for options out of range (see
    /// `GenAISearchOptions`) and `OrtError(.genAI)` when the library refuses them.
    public init(model: GenAIModel, options: GenAISearchOptions) throws {
        try options.validate(contextLength: model.contextLength)
        let runtime = model.runtime
        let functions = runtime.functions
        var params: OpaquePointer?
        try runtime.check(functions.createGeneratorParams(model.handle, &params),
                          context: "cannot create generator parameters")
        guard let params else { throw OrtError(.genAI, "OgaCreateGeneratorParams returned nothing") }
        var generator: OpaquePointer?
        do {
            for (name, value) in options.searchNumbers {
                try runtime.check(functions.generatorParamsSetSearchNumber(params, name, value),
                                  context: "cannot set search option \(name) to \(value)")
            }
            try runtime.check(functions.generatorParamsSetSearchBool(params, "do_sample", options.doSample),
                              context: "cannot set search option do_sample")
            try runtime.check(functions.createGenerator(model.handle, params, &generator),
                              context: "cannot create a generator")
        } catch {
            functions.destroyGeneratorParams(params)
            throw error
        }
        guard let generator else {
            functions.destroyGeneratorParams(params)
            throw OrtError(.genAI, "OgaCreateGenerator returned nothing")
        }
        self.model = model
        self.options = options
        self.params = params
        self.handle = generator
    }

    deinit {
        let functions = model.runtime.functions
        functions.destroyGenerator(handle)
        functions.destroyGeneratorParams(params)
    }

    /// Appends `tokens` to the single row (batch size 1) and runs the model over them. May be called again after
    /// generating (multi-turn continuation); prompt plus new tokens may not exceed `maxLength`.
    public func append(tokens: [Int32]) throws {
        guard options.batchSize == 1 else {
            throw OrtError(.invalidArgument,
                           "append(tokens:) serves batch size 1; use append(sequences:) for \(options.batchSize) rows")
        }
        try validate(tokens)
        let runtime = model.runtime
        try tokens.withUnsafeBufferPointer { buffer in
            try runtime.check(runtime.functions.generatorAppendTokens(handle, buffer.baseAddress!, buffer.count),
                              context: "cannot append \(tokens.count) tokens")
        }
        hasInput = true
        logitsAreStale = false
    }

    /// Appends one prompt per batch row (exactly `batchSize` of them, once per generator) and runs the model.
    /// The library pads shorter prompts on the right with the model's pad token and masks that padding, so each
    /// row's greedy output equals that row generated alone; rows that end early are then fed pad tokens.
    public func append(sequences: [[Int32]]) throws {
        guard sequences.count == options.batchSize else {
            throw OrtError(.invalidArgument,
                           "append(sequences:) needs one prompt per row: \(options.batchSize), not \(sequences.count)")
        }
        guard !hasInput || options.batchSize == 1 else {
            throw OrtError(.invalidArgument, "a generator with batch size above 1 takes its prompts once")
        }
        for sequence in sequences { try validate(sequence) }
        let runtime = model.runtime
        let functions = runtime.functions
        var created: OpaquePointer?
        try runtime.check(functions.createSequences(&created))
        guard let batch = created else { throw OrtError(.genAI, "OgaCreateSequences returned nothing") }
        defer { functions.destroySequences(batch) }
        for sequence in sequences {
            try sequence.withUnsafeBufferPointer { buffer in
                try runtime.check(functions.appendTokenSequence(buffer.baseAddress!, buffer.count, batch))
            }
        }
        try runtime.check(functions.generatorAppendTokenSequences(handle, batch),
                          context: "cannot append \(sequences.count) prompts")
        hasInput = true
        logitsAreStale = false
    }

    /// Chooses the next token of every row from the current logits (running the model first on the tokens chosen
    /// last time, unless `logits()` or `setLogits` already did). Throws `OrtError(.invalidArgument)` once done.
    public func generateNextToken() throws {
        guard hasInput else { throw OrtError(.invalidArgument, "append a prompt before generating") }
        guard !isDone else {
            throw OrtError(.invalidArgument,
                           "the generation is complete (maximum length or end of sequence reached)")
        }
        try model.runtime.check(model.runtime.functions.generatorGenerateNextToken(handle),
                                context: "cannot generate the next token")
        logitsAreStale = true
    }

    /// Whether every row has produced an end-of-sequence token or reached `maxLength`.
    public var isDone: Bool {
        model.runtime.functions.generatorIsDone(handle)
    }

    /// The tokens the last `generateNextToken` chose, one per batch row.
    public func nextTokens() throws -> [Int32] {
        var tokens: UnsafePointer<Int32>?
        var count = 0
        try model.runtime.check(model.runtime.functions.generatorGetNextTokens(handle, &tokens, &count),
                                context: "cannot read the next tokens")
        guard let tokens, count > 0 else { return [] }
        return Array(UnsafeBufferPointer(start: tokens, count: count))
    }

    /// Tokens in each row so far: prompt (padding included in a batch) plus generated tokens.
    public var tokenCount: Int {
        model.runtime.functions.generatorTokenCount(handle)
    }

    private func validate(_ tokens: [Int32]) throws {
        guard !tokens.isEmpty else { throw OrtError(.invalidArgument, "cannot append an empty token sequence") }
        let vocabulary = Int32(clamping: model.vocabularySize)
        if let bad = tokens.first(where: { $0 < 0 || $0 >= vocabulary }) {
            throw OrtError(.invalidArgument, "token id \(bad) is outside the vocabulary (0..<\(vocabulary))")
        }
    }
}
