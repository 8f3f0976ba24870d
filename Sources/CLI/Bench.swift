import ArgumentParser
import Attribution
import Evaluation
import Foundation
import NN
import Tensors
import Training

/// `fovea bench …`: the benchmark workloads of DESIGN.md, printed as medians.
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Time a benchmark workload and print its median.",
        discussion: """
        Examples:
          fovea bench gemm                      (W0: this CPU's sgemm GFLOP/s, the physical limit)
          fovea bench train --model shapes_cnn --batch 64 --size 64
          fovea bench cam --method gradcam scorecam
          fovea bench errors --gt gt.json --pred dets.json
        Side by side with PyTorch: scripts/bench/side-by-side (docs/PERFORMANCE.md).
        """,
        subcommands: [GEMM.self, Conv.self, Infer.self, Train.self, CAMWorkload.self, ErrorsWorkload.self, Loader.self])

    struct Repeats: ParsableArguments {
        @Option(help: "Timed repetitions (the median is printed).") var repeats = 5
        @Option(help: "Untimed warm-up repetitions.") var warmup = 1

        func validate() throws {
            guard repeats > 0, warmup >= 0 else { throw ValidationError("--repeats must be positive and --warmup not negative") }
        }

        /// Median wall-clock seconds of `body`.
        func median(_ body: () -> Void) -> Double {
            for _ in 0..<warmup { body() }
            let times = (0..<repeats).map { _ in
                let start = DispatchTime.now().uptimeNanoseconds
                body()
                return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            }.sorted()
            return times.count % 2 == 1 ? times[times.count / 2] : (times[times.count / 2 - 1] + times[times.count / 2]) / 2
        }
    }

    /// W0: sgemm through the BLAS Fovea links.
    struct GEMM: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "gemm", abstract: "W0: single-precision GEMM, n×n×n.")
        @Option(help: "Matrix size n.") var size = 1024
        @OptionGroup var timing: Repeats

        func run() throws {
            let n = size
            let a = Tensor(repeating: 0.5, shape: [n, n]), b = Tensor(repeating: 0.25, shape: [n, n]), c = Tensor(zeros: [n, n])
            let seconds = timing.median { BLAS.gemm(m: n, n: n, k: n, a: a.data, b: b.data, c: c.data) }
            print("W0 sgemm \(n)x\(n)x\(n) median_seconds=\(fmt(seconds)) gflops=\(fmt(2 * Double(n * n * n) / seconds / 1e9)) kernel=\(BLAS.kernel) threads=\(BLAS.threads)")
        }
    }

    /// Forward and backward of each W1 convolution, beside one sgemm of the same M, N, K.
    struct Conv: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "conv",
            abstract: "W1's convolutions (batch 64, 3×3, padding 1): forward and backward GFLOP/s beside sgemm.")
        @Option(help: "Batch size.") var batch = 64
        @OptionGroup var timing: Repeats

        func run() throws {
            var rng = SeededGenerator(seed: 0)
            let layers = [(3, 32, 64), (32, 32, 64), (32, 64, 32), (64, 64, 32), (64, 128, 16), (128, 128, 16)]
            print("layer              fwd_gflops  bwd_gflops  sgemm_gflops  fwd/sgemm  bwd/sgemm")
            var convFlops = 0.0, convSeconds = 0.0, gemmSeconds = 0.0
            for (cin, cout, size) in layers {
                let x = Tensor.randn([batch, cin, size, size], using: &rng)
                let w = Tensor.randn([cout, cin, 3, 3], std: 0.1, using: &rng)
                x.requiresGrad = cin != 3  // as in training: the image itself needs no gradient
                w.requiresGrad = true
                let flops = 2.0 * Double(batch * cout * size * size * cin * 9)
                let fwd = timing.median { _ = withoutGrad { conv2d(x, w, padding: 1) } }
                let dy = Tensor.randn([batch, cout, size, size], using: &rng)
                let y = conv2d(x, w, padding: 1)
                let both = timing.median { let y = conv2d(x, w, padding: 1); y.backward(dy); w.zeroGrad(); x.zeroGrad() }
                _ = y
                let bwdFlops = flops * (x.requiresGrad ? 2 : 1)
                let bwd = Swift.max(both - fwd, 1e-9)
                // The same product as one GEMM: [cout, cin·9] · [cin·9, batch·size²].
                let (m, n, k) = (cout, batch * size * size, cin * 9)
                let a = Tensor(repeating: 0.5, shape: [m, k]), b = Tensor(repeating: 0.5, shape: [k, n]), c = Tensor(zeros: [m, n])
                let gemm = timing.median { BLAS.gemm(m: m, n: n, k: k, a: a.data, b: b.data, c: c.data) }
                let name = "\(cin)->\(cout) @\(size)x\(size)"
                print(name.padding(toLength: 19, withPad: " ", startingAt: 0)
                      + [flops / fwd, bwdFlops / bwd, flops / gemm].map { fmt($0 / 1e9).leftPad(10) }.joined(separator: "  ")
                      + "  " + fmt(gemm / fwd).leftPad(9) + "  " + fmt(gemm * bwdFlops / flops / bwd).leftPad(9))
                convFlops += flops + bwdFlops; convSeconds += both; gemmSeconds += gemm * (1 + bwdFlops / flops)
            }
            print("total fwd+bwd: \(fmt(convFlops / convSeconds / 1e9)) GFLOP/s, \(fmt(gemmSeconds / convSeconds * 100))% of sgemm at the same sizes; kernel=\(BLAS.kernel)")
        }
    }
}

extension Bench {
    /// W1 inference (shapes_cnn, batch 64, 64×64) and W2 forward (resnet18, batch 1, 224×224), eval mode, no tape.
    struct Infer: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "infer", abstract: "Forward pass of a model in eval mode.")
        @Option(help: "Architecture.") var model: Architecture = .resnet18
        @Option(help: "Batch size.") var batch = 1
        @Option(help: "Input height and width.") var size = 224
        @Flag(help: "Run the modules one by one instead of the fused inference plan.") var unfused = false
        @OptionGroup var timing: Repeats

        func run() throws {
            let net = model.make()
            net.eval()
            net.freeze()  // as `fovea predict` runs a model
            var rng = SeededGenerator(seed: 0)
            let x = Tensor.randn([batch, 3, size, size], using: &rng)
            let plan = InferencePlan(net)
            let seconds = timing.median { _ = unfused ? withoutGrad { net(x) } : plan(x) }
            let path = unfused ? "modules" : plan.isFused ? "fused" : "modules (no fused plan)"
            print("infer \(model.rawValue) b\(batch) \(size)x\(size) median_seconds=\(String(format: "%.4f", seconds)) kernel=\(BLAS.kernel) forward=\(path)")
        }
    }
}

extension Bench {
    /// W1: one training step (forward, cross-entropy, backward, SGD with momentum) of shapes_cnn, batch 64, 64×64.
    struct Train: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "train", abstract: "W1: a training step.")
        @Option(help: "Architecture.") var model: Architecture = .shapes_cnn
        @Option(help: "Batch size.") var batch = 64
        @Option(help: "Input height and width.") var size = 64
        @Option(help: "Convolution arithmetic: fp32, or bf16 (fp32 master weights and accumulation).")
        var precision: ConvolutionPrecision = ConvolutionPrecision.current
        @OptionGroup var timing: Repeats

        func run() throws {
            try ConvolutionPrecision.$current.withValue(precision) { try measure() }
        }

        func measure() throws {
            let net = model.make(classes: 6)
            net.train()
            var rng = SeededGenerator(seed: 0)
            let x = Tensor.randn([batch, 3, size, size], using: &rng)
            let labels = (0..<batch).map { _ in Int(rng.next() % 6) }
            let optimizer = SGD([ParameterGroup(net.parameters, rate: 0.05)], momentum: 0.9)
            let seconds = timing.median {
                optimizer.zeroGrad()
                crossEntropy(net(x), targets: labels).backward()
                optimizer.step()
            }
            let rss = peakResidentMegabytes()
            print("W1 \(model.rawValue) train step b\(batch) \(size)x\(size) \(precision.rawValue) median_seconds=\(String(format: "%.4f", seconds)) peak_rss_mb=\(rss)")
        }
    }

    /// W2: resnet18 (random init, eval), 1×3×224×224, maps at layer4 — beside scripts/bench/torch_cam.py.
    struct CAMWorkload: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "cam", abstract: "W2: CAM methods on resnet18 at layer4.")
        @Option(parsing: .upToNextOption, help: "Methods to time.") var method: [CAMMethod] = [.gradcam, .gradcamPlusPlus, .scorecam]
        @Option(help: "Input height and width.") var size = 224
        @Option(help: "Masked inputs per forward pass (Score-CAM, Ablation-CAM).") var batchSize = 32
        @Option(help: "Arithmetic of Score-CAM's masked forwards: fp32 or bf16 (default: the engine's).") var precision: ConvolutionPrecision?
        @Option(help: "Convolution algorithm of Score-CAM's masked forwards: direct or winograd (default: the engine's).")
        var algorithm: ConvolutionAlgorithm?
        @Flag(help: "Run the masked forwards module by module instead of the fused inference plan.") var unfused = false
        @OptionGroup var timing: Repeats

        func run() throws {
            let model = ResNet(.resnet18)
            var rng = SeededGenerator(seed: 0)
            let x = Tensor.randn([1, 3, size, size], using: &rng)
            let engine = try CAMEngine(model: model, layers: ["layer4"])
            engine.batchSize = batchSize
            if let precision { engine.scoreCAMPrecision = precision }
            if let algorithm { engine.scoreCAMAlgorithm = algorithm }
            engine.fusedForwards = !unfused
            for m in method {
                let seconds = timing.median { _ = try? engine.maps(x, method: m, targets: [.classLogit(3)]) }
                print("W2 resnet18 \(m.rawValue) b1 \(size)x\(size) median_seconds=\(String(format: "%.4f", seconds))")
            }
        }
    }
}

extension Bench {
    /// W3: COCO evaluation and TIDE of a results file (shared/bench/coco_synth.py writes the workload).
    struct ErrorsWorkload: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "errors", abstract: "W3: COCO AP and TIDE of a results file.")
        @Option(help: "COCO instances file.") var gt: String
        @Option(help: "COCO results file.") var pred: String
        @Option(name: .customLong("iou-type"), help: "bbox or segm.") var iouType: IoUType = .bbox
        @OptionGroup var timing: Repeats

        func run() throws {
            var failure: EvaluationError?
            let seconds = timing.median {
                do { _ = try ErrorAnalysis.run(groundTruthPath: gt, detectionsPath: pred, iouType: iouType) }
                catch let e as EvaluationError { failure = e } catch {}
            }
            if let failure { throw InputError(failure.description) }
            print("W3 errors \(URL(fileURLWithPath: pred).lastPathComponent) median_seconds=\(String(format: "%.3f", seconds)) peak_rss_mb=\(peakResidentMegabytes())")
        }
    }
}

/// The process's peak resident set (VmHWM), in MiB.
func peakResidentMegabytes() -> Int {
    let status = String(decoding: FileHandle(forReadingAtPath: "/proc/self/status")?.readDataToEndOfFile() ?? Data(), as: UTF8.self)
    let line = status.split(separator: "\n").first { $0.hasPrefix("VmHWM:") } ?? ""
    return (Int(line.split(separator: " ").dropFirst().first ?? "0") ?? 0) / 1024
}

extension ConvolutionPrecision: ExpressibleByArgument {}
extension ConvolutionAlgorithm: ExpressibleByArgument {}

func fmt(_ x: Double) -> String { String(format: x < 10 ? "%.3f" : "%.1f", x) }

extension String {
    func leftPad(_ n: Int) -> String { count >= n ? self : String(repeating: " ", count: n - count) + self }
}
