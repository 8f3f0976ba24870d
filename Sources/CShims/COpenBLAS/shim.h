#ifndef FOVEA_COPENBLAS_SHIM_H
#define FOVEA_COPENBLAS_SHIM_H
#include <cblas.h>
#include <stdlib.h>

/* Debian's OpenBLAS 0.3.21 (DYNAMIC_ARCH) does not recognise recent AVX-512 CPUs (Zen 4, Sapphire Rapids)
   and silently falls back to its SSE3 "Prescott" kernels. Its dynamic dispatcher is exported, so we can
   re-run core selection with OPENBLAS_CORETYPE set, before the first BLAS call, without re-exec. */
extern void gotoblas_dynamic_init(void);
extern void gotoblas_dynamic_quit(void);

/* LAPACK's divide-and-conquer SVD (column-major), exported by OpenBLAS: EigenCAM projects onto the first
   right singular vector exactly as numpy.linalg.svd (the same routine) does. */
extern void sgesdd_(const char *jobz, const int *m, const int *n, float *a, const int *lda, float *s, float *u,
                    const int *ldu, float *vt, const int *ldvt, float *work, const int *lwork, int *iwork, int *info);

/* Returns 1 when the kernel was re-selected. A user-set OPENBLAS_CORETYPE is respected as is. */
static inline int fovea_openblas_select_kernel(void) {
    if (getenv("OPENBLAS_CORETYPE") != NULL) return 0;
    const char *want = NULL;
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw")
        && __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl")) want = "SkylakeX";
    else if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) want = "Haswell";
    if (want == NULL) return 0;
    const char *now = openblas_get_corename();
    if (now != NULL && (now[0] == 'S' || now[0] == 's') && now[1] == 'k') return 0;  /* already Skylake-X */
    setenv("OPENBLAS_CORETYPE", want, 0);
    gotoblas_dynamic_quit();
    gotoblas_dynamic_init();
    unsetenv("OPENBLAS_CORETYPE");  /* child processes choose for themselves */
    return 1;
}
#endif
