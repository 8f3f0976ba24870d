import ArgumentParser
import CCairo
import Datasets
import Foundation
import Tensors

/// `fovea doctor`: what Fovea runs on — BLAS library and kernel, threads, codec and Cairo versions, fonts.
struct Doctor: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the libraries, BLAS kernel and threads Fovea uses.",
        discussion: "Examples:\n  fovea doctor\n  OPENBLAS_CORETYPE=Haswell fovea doctor     (force another BLAS kernel and see it named)")

    func run() throws {
        for (key, value) in Self.report() { print("\(key.padding(toLength: 14, withPad: " ", startingAt: 0)) \(value)") }
    }

    static func report() -> [(String, String)] {
        let kernel = BLAS.kernel
        let note = BLAS.kernelWasReselected ? " (selected by Fovea; OpenBLAS chose a slower kernel on its own)" : ""
        return [
            ("blas", BLAS.config.trimmingCharacters(in: .whitespaces)),
            ("blas library", BLAS.libraryPath ?? "unknown"),
            ("blas kernel", kernel + note),
            ("threads", "\(BLAS.threads) BLAS, \(ProcessInfo.processInfo.activeProcessorCount) cores"),
            ("convolutions", ConvolutionBackend.summary),
            ("libpng", ImageCodecs.libpngVersion),
            ("libjpeg", ImageCodecs.libjpegVersion),
            ("cairo", String(cString: cairo_version_string())),
            ("font", fontPath ?? "DejaVu Sans not found (install fonts-dejavu-core)"),
        ]
    }

    static var fontPath: String? {
        ["/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"].first { FileManager.default.fileExists(atPath: $0) }
    }
}
