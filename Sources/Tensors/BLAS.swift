import COpenBLAS
import Foundation

/// The bridge to OpenBLAS: kernel selection on first use, then single-precision GEMM.
public enum BLAS {
    /// Re-selects OpenBLAS's kernel once, before the first BLAS call (see the shim: Debian's 0.3.21 picks
    /// SSE3 kernels on AVX-512 CPUs it does not know).
    private static let kernelReselected: Bool = fovea_openblas_select_kernel() != 0

    @inline(__always) static func ready() { _ = kernelReselected }

    /// The name of the kernel in use ("SkylakeX", "Haswell", "Prescott", …).
    public static var kernel: String { ready(); return String(cString: openblas_get_corename()) }
    /// Whether Fovea changed the kernel OpenBLAS chose by itself.
    public static var kernelWasReselected: Bool { kernelReselected }
    public static var threads: Int { ready(); return Int(openblas_get_num_threads()) }
    /// The file the BLAS symbols were loaded from.
    public static var libraryPath: String? {
        ready()
        let maps = String(decoding: FileHandle(forReadingAtPath: "/proc/self/maps")?.readDataToEndOfFile() ?? Data(), as: UTF8.self)
        return maps.split(separator: "\n").lazy.compactMap { $0.split(separator: " ").last.map(String.init) }
            .first { $0.contains("libopenblas") || $0.contains("libblas") }
    }
    public static var config: String { String(cString: openblas_get_config()) }

    /// C = alpha·op(A)·op(B) + beta·C, row-major. op(A) is M×K, op(B) is K×N; lda/ldb/ldc are row strides.
    @inline(__always)
    static func sgemm(transA: Bool = false, transB: Bool = false, m: Int, n: Int, k: Int, alpha: Float = 1,
                      a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                      beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int) {
        ready()
        cblas_sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
                    blasint(m), blasint(n), blasint(k), alpha, a, blasint(lda), b, blasint(ldb), beta, c, blasint(ldc))
    }

    /// Public GEMM on plain buffers, for benchmarks.
    public static func gemm(m: Int, n: Int, k: Int, a: UnsafePointer<Float>, b: UnsafePointer<Float>,
                            c: UnsafeMutablePointer<Float>) {
        sgemm(m: m, n: n, k: k, a: a, lda: k, b: b, ldb: n, c: c, ldc: n)
    }
}

/// Splits `0..<count` into chunks run on all cores; small jobs stay on the calling thread.
@inline(__always)
func parallelFor(_ count: Int, minimumPerChunk: Int = 1, _ body: (Range<Int>) -> Void) {
    let workers = min(ProcessInfo.processInfo.activeProcessorCount, max(1, count / max(minimumPerChunk, 1)))
    if workers <= 1 { body(0..<count); return }
    let chunk = (count + workers - 1) / workers
    // Callers split the work into disjoint ranges; the closure only runs during this call.
    withoutActuallyEscaping(body) { body in
        let work = UncheckedSendable(body)
        DispatchQueue.concurrentPerform(iterations: workers) { w in
            let lo = w * chunk, hi = min(count, lo + chunk)
            if lo < hi { work.value(lo..<hi) }
        }
    }
}

struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
