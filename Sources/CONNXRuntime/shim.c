#include "connxruntime.h"

// OrtxCreate(extObjectKind_t kind, OrtxObject** object, ...): called with its real, variadic type.
typedef int32_t (*AIGWOrtxCreateFn)(int32_t kind, OrtxObject **object, ...);

int32_t AIGWOrtxCreateDetokenizerCache(void *create, OrtxObject **cache) {
    return ((AIGWOrtxCreateFn)create)(AIGW_ORTX_KIND_DETOKENIZER_CACHE, cache);
}

// The llguidance structs, laid out as llguidance 1.9.1's parser/llguidance.h lays them out on 64-bit platforms (the
// sizes and offsets below were measured by compiling against that header).
#if UINTPTR_MAX == 0xFFFFFFFFFFFFFFFFu
_Static_assert(sizeof(AIGWLlgParserLimits) == 56, "LlgParserLimits size");
_Static_assert(offsetof(AIGWLlgParserLimits, max_grammar_size) == 40, "LlgParserLimits.max_grammar_size");
_Static_assert(offsetof(AIGWLlgParserLimits, verbose_errors) == 49, "LlgParserLimits.verbose_errors");
_Static_assert(sizeof(AIGWLlgConstraintInit) == 80, "LlgConstraintInit size");
_Static_assert(offsetof(AIGWLlgConstraintInit, log_stderr_level) == 12, "LlgConstraintInit.log_stderr_level");
_Static_assert(offsetof(AIGWLlgConstraintInit, backtrack_ok) == 17, "LlgConstraintInit.backtrack_ok");
_Static_assert(offsetof(AIGWLlgConstraintInit, limits) == 24, "LlgConstraintInit.limits");
_Static_assert(sizeof(AIGWLlgTokenizerInitV2) == 96, "LlgTokenizerInitV2 size");
_Static_assert(offsetof(AIGWLlgTokenizerInitV2, tok_eos) == 12, "LlgTokenizerInitV2.tok_eos");
_Static_assert(offsetof(AIGWLlgTokenizerInitV2, tokenizer_json) == 32, "LlgTokenizerInitV2.tokenizer_json");
_Static_assert(offsetof(AIGWLlgTokenizerInitV2, tokenize_assumes_string) == 40,
               "LlgTokenizerInitV2.tokenize_assumes_string");
_Static_assert(offsetof(AIGWLlgTokenizerInitV2, tokenize_fn) == 48, "LlgTokenizerInitV2.tokenize_fn");
_Static_assert(offsetof(AIGWLlgTokenizerInitV2, use_approximate_greedy_tokenize_fn) == 56,
               "LlgTokenizerInitV2.use_approximate_greedy_tokenize_fn");
_Static_assert(offsetof(AIGWLlgTokenizerInitV2, tokenize_user_data) == 64, "LlgTokenizerInitV2.tokenize_user_data");
_Static_assert(offsetof(AIGWLlgTokenizerInitV2, slices) == 72, "LlgTokenizerInitV2.slices");
_Static_assert(offsetof(AIGWLlgTokenizerInitV2, tok_eos_extra) == 80, "LlgTokenizerInitV2.tok_eos_extra");
_Static_assert(offsetof(AIGWLlgTokenizerInitV2, tok_eos_extra_count) == 88, "LlgTokenizerInitV2.tok_eos_extra_count");
#endif
