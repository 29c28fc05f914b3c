import CONNXRuntime

extension OrtxLibrary {
    /// The onnxruntime-extensions functions the gateway calls, one field each, resolved by name at load.
    struct Functions {
        let getLastErrorMessage: AIGWOrtxGetLastErrorMessageFn
        let disposeOnly: AIGWOrtxDisposeOnlyFn
        /// `OrtxCreate`, variadic: called through `AIGWOrtxCreateDetokenizerCache`.
        let create: UnsafeMutableRawPointer
        let createTokenizerWithOptions: AIGWOrtxCreateTokenizerWithOptionsFn
        let tokenize: AIGWOrtxTokenizeFn
        let tokenId2DArrayGetItem: AIGWOrtxTokenId2DArrayGetItemFn
        let convertTokenToId: AIGWOrtxConvertTokenToIdFn
        let detokenize1D: AIGWOrtxDetokenize1DFn
        let stringArrayGetItem: AIGWOrtxStringArrayGetItemFn
        let detokenizeCached: AIGWOrtxDetokenizeCachedFn
        let applyChatTemplate: AIGWOrtxApplyChatTemplateFn
        let tensorResultGetAt: AIGWOrtxTensorResultGetAtFn
        let getTensorType: AIGWOrtxGetTensorTypeFn
        let getTensorData: AIGWOrtxGetTensorDataFn

        /// Resolves every function with `resolve` (a `dlsym` that throws naming the missing symbol).
        init(resolve: (String) throws -> UnsafeMutableRawPointer) throws {
            func load<T>(_ name: String, _ type: T.Type) throws -> T {
                unsafeBitCast(try resolve(name), to: type)
            }
            getLastErrorMessage = try load("OrtxGetLastErrorMessage", AIGWOrtxGetLastErrorMessageFn.self)
            disposeOnly = try load("OrtxDisposeOnly", AIGWOrtxDisposeOnlyFn.self)
            create = try resolve("OrtxCreate")
            createTokenizerWithOptions = try load("OrtxCreateTokenizerWithOptions",
                                                  AIGWOrtxCreateTokenizerWithOptionsFn.self)
            tokenize = try load("OrtxTokenize", AIGWOrtxTokenizeFn.self)
            tokenId2DArrayGetItem = try load("OrtxTokenId2DArrayGetItem", AIGWOrtxTokenId2DArrayGetItemFn.self)
            convertTokenToId = try load("OrtxConvertTokenToId", AIGWOrtxConvertTokenToIdFn.self)
            detokenize1D = try load("OrtxDetokenize1D", AIGWOrtxDetokenize1DFn.self)
            stringArrayGetItem = try load("OrtxStringArrayGetItem", AIGWOrtxStringArrayGetItemFn.self)
            detokenizeCached = try load("OrtxDetokenizeCached", AIGWOrtxDetokenizeCachedFn.self)
            applyChatTemplate = try load("OrtxApplyChatTemplate", AIGWOrtxApplyChatTemplateFn.self)
            tensorResultGetAt = try load("OrtxTensorResultGetAt", AIGWOrtxTensorResultGetAtFn.self)
            getTensorType = try load("OrtxGetTensorType", AIGWOrtxGetTensorTypeFn.self)
            getTensorData = try load("OrtxGetTensorData", AIGWOrtxGetTensorDataFn.self)
        }
    }
}
