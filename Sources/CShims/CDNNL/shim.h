#include <oneapi/dnnl/dnnl.h>

/* DNNL_MEMORY_ALLOCATE is a macro cast, which Swift cannot import. */
static inline void *fovea_dnnl_memory_allocate(void) { return DNNL_MEMORY_ALLOCATE; }
