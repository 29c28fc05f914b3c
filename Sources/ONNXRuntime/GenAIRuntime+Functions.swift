import CONNXRuntime

extension GenAIRuntime {
    /// The onnxruntime-genai functions the gateway calls, one field each, resolved by name at load.
    struct Functions {
        // Results and strings
        let resultGetError: AIGWOgaResultGetErrorFn
        let destroyResult: AIGWOgaDestroyResultFn
        let destroyString: AIGWOgaDestroyStringFn
        // Config and model
        let createModel: AIGWOgaCreateModelFn
        let createConfig: AIGWOgaCreateConfigFn
        let configClearProviders: AIGWOgaConfigClearProvidersFn
        let configOverlay: AIGWOgaConfigOverlayFn
        let configAppendProvider: AIGWOgaConfigAppendProviderFn
        let configSetProviderOption: AIGWOgaConfigSetProviderOptionFn
        let createModelFromConfig: AIGWOgaCreateModelFromConfigFn
        let destroyConfig: AIGWOgaDestroyConfigFn
        let destroyModel: AIGWOgaDestroyModelFn
        // Sequences
        let createSequences: AIGWOgaCreateSequencesFn
        let destroySequences: AIGWOgaDestroySequencesFn
        let sequencesCount: AIGWOgaSequencesCountFn
        let appendTokenSequence: AIGWOgaAppendTokenSequenceFn
        let sequencesGetSequenceCount: AIGWOgaSequencesGetSequenceCountFn
        let sequencesGetSequenceData: AIGWOgaSequencesGetSequenceDataFn
        // Tokenizer and stream
        let createTokenizer: AIGWOgaCreateTokenizerFn
        let destroyTokenizer: AIGWOgaDestroyTokenizerFn
        let tokenizerEncode: AIGWOgaTokenizerEncodeFn
        let tokenizerDecode: AIGWOgaTokenizerDecodeFn
        let tokenizerApplyChatTemplate: AIGWOgaTokenizerApplyChatTemplateFn
        let createTokenizerStream: AIGWOgaCreateTokenizerStreamFn
        let destroyTokenizerStream: AIGWOgaDestroyTokenizerStreamFn
        let tokenizerStreamDecode: AIGWOgaTokenizerStreamDecodeFn
        // Generator parameters and generator
        let createGeneratorParams: AIGWOgaCreateGeneratorParamsFn
        let destroyGeneratorParams: AIGWOgaDestroyGeneratorParamsFn
        let generatorParamsSetSearchNumber: AIGWOgaGeneratorParamsSetSearchNumberFn
        let generatorParamsSetSearchBool: AIGWOgaGeneratorParamsSetSearchBoolFn
        let createGenerator: AIGWOgaCreateGeneratorFn
        let destroyGenerator: AIGWOgaDestroyGeneratorFn
        let generatorIsDone: AIGWOgaGeneratorIsDoneFn
        let generatorAppendTokens: AIGWOgaGeneratorAppendTokensFn
        let generatorAppendTokenSequences: AIGWOgaGeneratorAppendTokenSequencesFn
        let generatorGenerateNextToken: AIGWOgaGeneratorGenerateNextTokenFn
        let generatorGetNextTokens: AIGWOgaGeneratorGetNextTokensFn
        let generatorGetLogits: AIGWOgaGeneratorGetLogitsFn
        let generatorSetLogits: AIGWOgaGeneratorSetLogitsFn
        let generatorTokenCount: AIGWOgaGeneratorTokenCountFn
        // Tensors
        let createTensorFromBuffer: AIGWOgaCreateTensorFromBufferFn
        let destroyTensor: AIGWOgaDestroyTensorFn
        let tensorGetType: AIGWOgaTensorGetTypeFn
        let tensorGetShapeRank: AIGWOgaTensorGetShapeRankFn
        let tensorGetShape: AIGWOgaTensorGetShapeFn
        let tensorGetData: AIGWOgaTensorGetDataFn

        /// Resolves every function with `resolve` (a `dlsym` that throws naming the missing symbol).
        init(resolve: (String) throws -> UnsafeMutableRawPointer) throws {
            func load<T>(_ name: String, _ type: T.Type) throws -> T {
                unsafeBitCast(try resolve(name), to: type)
            }
            resultGetError = try load("OgaResultGetError", AIGWOgaResultGetErrorFn.self)
            destroyResult = try load("OgaDestroyResult", AIGWOgaDestroyResultFn.self)
            destroyString = try load("OgaDestroyString", AIGWOgaDestroyStringFn.self)
            createModel = try load("OgaCreateModel", AIGWOgaCreateModelFn.self)
            createConfig = try load("OgaCreateConfig", AIGWOgaCreateConfigFn.self)
            configClearProviders = try load("OgaConfigClearProviders", AIGWOgaConfigClearProvidersFn.self)
            configOverlay = try load("OgaConfigOverlay", AIGWOgaConfigOverlayFn.self)
            configAppendProvider = try load("OgaConfigAppendProvider", AIGWOgaConfigAppendProviderFn.self)
            configSetProviderOption = try load("OgaConfigSetProviderOption", AIGWOgaConfigSetProviderOptionFn.self)
            createModelFromConfig = try load("OgaCreateModelFromConfig", AIGWOgaCreateModelFromConfigFn.self)
            destroyConfig = try load("OgaDestroyConfig", AIGWOgaDestroyConfigFn.self)
            destroyModel = try load("OgaDestroyModel", AIGWOgaDestroyModelFn.self)
            createSequences = try load("OgaCreateSequences", AIGWOgaCreateSequencesFn.self)
            destroySequences = try load("OgaDestroySequences", AIGWOgaDestroySequencesFn.self)
            sequencesCount = try load("OgaSequencesCount", AIGWOgaSequencesCountFn.self)
            appendTokenSequence = try load("OgaAppendTokenSequence", AIGWOgaAppendTokenSequenceFn.self)
            sequencesGetSequenceCount = try load("OgaSequencesGetSequenceCount",
                                                 AIGWOgaSequencesGetSequenceCountFn.self)
            sequencesGetSequenceData = try load("OgaSequencesGetSequenceData", AIGWOgaSequencesGetSequenceDataFn.self)
            createTokenizer = try load("OgaCreateTokenizer", AIGWOgaCreateTokenizerFn.self)
            destroyTokenizer = try load("OgaDestroyTokenizer", AIGWOgaDestroyTokenizerFn.self)
            tokenizerEncode = try load("OgaTokenizerEncode", AIGWOgaTokenizerEncodeFn.self)
            tokenizerDecode = try load("OgaTokenizerDecode", AIGWOgaTokenizerDecodeFn.self)
            tokenizerApplyChatTemplate = try load("OgaTokenizerApplyChatTemplate",
                                                  AIGWOgaTokenizerApplyChatTemplateFn.self)
            createTokenizerStream = try load("OgaCreateTokenizerStream", AIGWOgaCreateTokenizerStreamFn.self)
            destroyTokenizerStream = try load("OgaDestroyTokenizerStream", AIGWOgaDestroyTokenizerStreamFn.self)
            tokenizerStreamDecode = try load("OgaTokenizerStreamDecode", AIGWOgaTokenizerStreamDecodeFn.self)
            createGeneratorParams = try load("OgaCreateGeneratorParams", AIGWOgaCreateGeneratorParamsFn.self)
            destroyGeneratorParams = try load("OgaDestroyGeneratorParams", AIGWOgaDestroyGeneratorParamsFn.self)
            generatorParamsSetSearchNumber = try load("OgaGeneratorParamsSetSearchNumber",
                                                      AIGWOgaGeneratorParamsSetSearchNumberFn.self)
            generatorParamsSetSearchBool = try load("OgaGeneratorParamsSetSearchBool",
                                                    AIGWOgaGeneratorParamsSetSearchBoolFn.self)
            createGenerator = try load("OgaCreateGenerator", AIGWOgaCreateGeneratorFn.self)
            destroyGenerator = try load("OgaDestroyGenerator", AIGWOgaDestroyGeneratorFn.self)
            generatorIsDone = try load("OgaGenerator_IsDone", AIGWOgaGeneratorIsDoneFn.self)
            generatorAppendTokens = try load("OgaGenerator_AppendTokens", AIGWOgaGeneratorAppendTokensFn.self)
            generatorAppendTokenSequences = try load("OgaGenerator_AppendTokenSequences",
                                                     AIGWOgaGeneratorAppendTokenSequencesFn.self)
            generatorGenerateNextToken = try load("OgaGenerator_GenerateNextToken",
                                                  AIGWOgaGeneratorGenerateNextTokenFn.self)
            generatorGetNextTokens = try load("OgaGenerator_GetNextTokens", AIGWOgaGeneratorGetNextTokensFn.self)
            generatorGetLogits = try load("OgaGenerator_GetLogits", AIGWOgaGeneratorGetLogitsFn.self)
            generatorSetLogits = try load("OgaGenerator_SetLogits", AIGWOgaGeneratorSetLogitsFn.self)
            generatorTokenCount = try load("OgaGenerator_TokenCount", AIGWOgaGeneratorTokenCountFn.self)
            createTensorFromBuffer = try load("OgaCreateTensorFromBuffer", AIGWOgaCreateTensorFromBufferFn.self)
            destroyTensor = try load("OgaDestroyTensor", AIGWOgaDestroyTensorFn.self)
            tensorGetType = try load("OgaTensorGetType", AIGWOgaTensorGetTypeFn.self)
            tensorGetShapeRank = try load("OgaTensorGetShapeRank", AIGWOgaTensorGetShapeRankFn.self)
            tensorGetShape = try load("OgaTensorGetShape", AIGWOgaTensorGetShapeFn.self)
            tensorGetData = try load("OgaTensorGetData", AIGWOgaTensorGetDataFn.self)
        }
    }
}
