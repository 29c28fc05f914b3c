import CONNXRuntime
import Foundation

/// An onnxruntime-genai model (an `OgaModel`) loaded from a model folder, with the facts of its
/// `genai_config.json` and the execution provider that serves it.
///
/// Safe to share between threads: tokenizers and generators are made from it anywhere. The `OgaModel` is
/// destroyed once, when the last tokenizer or generator holding this object goes away.
public final class GenAIModel: @unchecked Sendable {
    public let runtime: GenAIRuntime
    public let directory: String
    /// The model's context window in tokens (`model.context_length`); a generator's `maxLength` may not exceed it.
    public let contextLength: Int
    /// Rows of the logits (`model.vocab_size`).
    public let vocabularySize: Int
    /// Tokens that end a generation (`model.eos_token_id`, an integer or a list in the file).
    public let eosTokenIDs: [Int32]
    /// The token that pads shorter prompts of a batch (`model.pad_token_id`), if the file names one.
    public let padTokenID: Int32?
    /// The execution provider that loaded the model, and why any provider ahead of it was skipped.
    public let providerSelection: GenAIProviderSelection
    let handle: OpaquePointer

    /// Loads the folder with `provider` (nil: the folder's own `genai_config.json` choice), failing with
    /// `OrtError(.genAI)` and the library's message when that provider cannot load it.
    public convenience init(runtime: GenAIRuntime, directory: String, provider: String? = nil,
                            providerOptions: [String: String] = [:]) throws {
        try Self.checkConfig(runtime: runtime, directory: directory)
        let config = try GenAIModelConfig(directory: directory)
        let handle: OpaquePointer
        do {
            handle = try Self.load(runtime: runtime, directory: directory, provider: provider,
                                   options: providerOptions)
        } catch let error as OrtError {
            throw OrtError(.genAI, "cannot load the onnxruntime-genai model in \(directory): \(error.message)")
        }
        let chosen = provider ?? config.configuredProvider
        self.init(runtime: runtime, directory: directory, config: config, handle: handle,
                  selection: GenAIProviderSelection(chosen: chosen, skipped: []))
    }

    /// Loads the folder on the first provider of `providers` (onnxruntime-genai's names: "cuda", "dml", "qnn",
    /// "openvino", "webgpu", "cpu", ...) that can load it, keeping the reason each earlier one failed in
    /// `providerSelection`. `providerOptions` holds options per provider name.
    ///
    /// A folder or `genai_config.json` that cannot be read fails at once with `OrtError(.genAI)` (no provider
    /// could fix it); when every provider fails, the error is `OrtError(.noProvider)` listing each reason.
    /// - Parameter intraOpThreads: when above 0, the threads ONNX Runtime uses inside one operator, overriding the
    ///   folder's `session_options` (onnxruntime-genai runs ONNX Runtime on one thread when the folder sets none).
    public convenience init(runtime: GenAIRuntime, directory: String, providers: [String],
                            providerOptions: [String: [String: String]] = [:], intraOpThreads: Int = 0) throws {
        guard !providers.isEmpty else {
            throw OrtError(.invalidArgument, "no execution provider given to load \(directory)")
        }
        try Self.checkConfig(runtime: runtime, directory: directory)
        let config = try GenAIModelConfig(directory: directory)
        var skipped: [GenAIProviderSelection.Skip] = []
        var loaded: (handle: OpaquePointer, provider: String)?
        for provider in providers {
            do {
                let handle = try Self.load(runtime: runtime, directory: directory, provider: provider,
                                           options: providerOptions[provider] ?? [:], intraOpThreads: intraOpThreads)
                loaded = (handle, provider)
                break
            } catch let error as OrtError {
                skipped.append(.init(provider: provider, reason: error.message))
            }
        }
        guard let loaded else {
            let reasons = skipped.map { "\($0.provider): \($0.reason)" }.joined(separator: "; ")
            throw OrtError(.noProvider, "no execution provider could load \(directory): \(reasons)")
        }
        self.init(runtime: runtime, directory: directory, config: config, handle: loaded.handle,
                  selection: GenAIProviderSelection(chosen: loaded.provider, skipped: skipped))
    }

    private init(runtime: GenAIRuntime, directory: String, config: GenAIModelConfig, handle: OpaquePointer,
                 selection: GenAIProviderSelection) {
        self.runtime = runtime
        self.directory = directory
        self.contextLength = config.contextLength
        self.vocabularySize = config.vocabularySize
        self.eosTokenIDs = config.eosTokenIDs
        self.padTokenID = config.padTokenID
        self.providerSelection = selection
        self.handle = handle
    }

    deinit {
        runtime.functions.destroyModel(handle)
    }

    /// Reads the folder's configuration with the library (and drops it), so that a missing folder or a broken
    /// `genai_config.json` is reported as itself (and once, not once per provider) before any weights load.
    private static func checkConfig(runtime: GenAIRuntime, directory: String) throws {
        var config: OpaquePointer?
        try runtime.check(runtime.functions.createConfig(directory, &config),
                          context: "cannot read the onnxruntime-genai model in \(directory)")
        runtime.functions.destroyConfig(config)
    }

    /// One load attempt: a fresh `OgaConfig` with its providers replaced by `provider` (the CPU is what is left
    /// when the list is empty), then the model. Throws the library's own message.
    private static func load(runtime: GenAIRuntime, directory: String, provider: String?,
                             options: [String: String], intraOpThreads: Int = 0) throws -> OpaquePointer {
        let functions = runtime.functions
        var config: OpaquePointer?
        try runtime.check(functions.createConfig(directory, &config))
        guard let config else { throw OrtError(.genAI, "OgaCreateConfig returned no config for \(directory)") }
        defer { functions.destroyConfig(config) }
        if intraOpThreads > 0 {
            let overlay = #"{"model":{"decoder":{"session_options":{"intra_op_num_threads":\#(intraOpThreads)}}}}"#
            try runtime.check(functions.configOverlay(config, overlay))
        }
        if let provider {
            try runtime.check(functions.configClearProviders(config))
            if provider.lowercased() != "cpu" {
                try runtime.check(functions.configAppendProvider(config, provider))
                for (key, value) in options.sorted(by: { $0.key < $1.key }) {
                    try runtime.check(functions.configSetProviderOption(config, provider, key, value))
                }
            }
        }
        var model: OpaquePointer?
        try runtime.check(functions.createModelFromConfig(config, &model))
        guard let model else { throw OrtError(.genAI, "OgaCreateModelFromConfig returned no model for \(directory)") }
        return model
    }
}
