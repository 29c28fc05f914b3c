import CONNXRuntime

extension GuidanceLibrary {
    /// The llguidance functions the gateway calls, one field each, resolved by name at load.
    struct Functions {
        let getVersion: AIGWLlgGetVersionFn
        let newTokenizerV2: AIGWLlgNewTokenizerV2Fn
        let freeTokenizer: AIGWLlgFreeTokenizerFn
        let constraintInitSetDefaults: AIGWLlgConstraintInitSetDefaultsFn
        let newMatcher: AIGWLlgNewMatcherFn
        let matcherGetError: AIGWLlgMatcherGetErrorFn
        let matcherIsError: AIGWLlgMatcherIsErrorFn
        let matcherGetMaskByteSize: AIGWLlgMatcherGetMaskByteSizeFn
        let matcherComputeMaskInto: AIGWLlgMatcherComputeMaskIntoFn
        let matcherConsumeToken: AIGWLlgMatcherConsumeTokenFn
        let matcherRollback: AIGWLlgMatcherRollbackFn
        let matcherIsStopped: AIGWLlgMatcherIsStoppedFn
        let matcherIsAccepting: AIGWLlgMatcherIsAcceptingFn
        let cloneMatcher: AIGWLlgCloneMatcherFn
        let freeMatcher: AIGWLlgFreeMatcherFn

        /// Resolves every function with `resolve` (a `dlsym` that throws naming the missing symbol).
        init(resolve: (String) throws -> UnsafeMutableRawPointer) throws {
            func load<T>(_ name: String, _ type: T.Type) throws -> T {
                unsafeBitCast(try resolve(name), to: type)
            }
            getVersion = try load("llg_get_version", AIGWLlgGetVersionFn.self)
            newTokenizerV2 = try load("llg_new_tokenizer_v2", AIGWLlgNewTokenizerV2Fn.self)
            freeTokenizer = try load("llg_free_tokenizer", AIGWLlgFreeTokenizerFn.self)
            constraintInitSetDefaults = try load("llg_constraint_init_set_defaults",
                                                 AIGWLlgConstraintInitSetDefaultsFn.self)
            newMatcher = try load("llg_new_matcher", AIGWLlgNewMatcherFn.self)
            matcherGetError = try load("llg_matcher_get_error", AIGWLlgMatcherGetErrorFn.self)
            matcherIsError = try load("llg_matcher_is_error", AIGWLlgMatcherIsErrorFn.self)
            matcherGetMaskByteSize = try load("llg_matcher_get_mask_byte_size", AIGWLlgMatcherGetMaskByteSizeFn.self)
            matcherComputeMaskInto = try load("llg_matcher_compute_mask_into", AIGWLlgMatcherComputeMaskIntoFn.self)
            matcherConsumeToken = try load("llg_matcher_consume_token", AIGWLlgMatcherConsumeTokenFn.self)
            matcherRollback = try load("llg_matcher_rollback", AIGWLlgMatcherRollbackFn.self)
            matcherIsStopped = try load("llg_matcher_is_stopped", AIGWLlgMatcherIsStoppedFn.self)
            matcherIsAccepting = try load("llg_matcher_is_accepting", AIGWLlgMatcherIsAcceptingFn.self)
            cloneMatcher = try load("llg_clone_matcher", AIGWLlgCloneMatcherFn.self)
            freeMatcher = try load("llg_free_matcher", AIGWLlgFreeMatcherFn.self)
        }
    }
}
