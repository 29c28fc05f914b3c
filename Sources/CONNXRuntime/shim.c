#include "connxruntime.h"

// OrtxCreate(extObjectKind_t kind, OrtxObject** object, ...): called with its real, variadic type.
typedef int32_t (*AIGWOrtxCreateFn)(int32_t kind, OrtxObject **object, ...);

int32_t AIGWOrtxCreateDetokenizerCache(void *create, OrtxObject **cache) {
    return ((AIGWOrtxCreateFn)create)(AIGW_ORTX_KIND_DETOKENIZER_CACHE, cache);
}
