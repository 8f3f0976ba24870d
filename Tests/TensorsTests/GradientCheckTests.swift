import Foundation
import Tensors
import Testing

/// Every op's gradient against central finite differences of f = Σ op(x)·upstream, on the golden inputs.
/// Independent of PyTorch: this checks the backward against the op's own forward.
@Suite struct GradientCheckTests {
    @Test(arguments: GoldenFile.shared.cases.filter { !$0.grads.isEmpty })
    func gradientMatchesFiniteDifferences(_ golden: GoldenCase) throws {
        let op = try #require(opCatalog[golden.name])
        let upstream = golden.upstream.tensor
        func objective(_ inputs: [String: Tensor]) -> Double {
            let out = withoutGrad { op(golden, inputs) }
            return (0..<out.count).reduce(0.0) { $0 + Double(out[flat: $1]) * Double(upstream[flat: $1]) }
        }
        let inputs = golden.inputs.mapValues { a in a.tensor }
        for (name, t) in inputs { t.requiresGrad = golden.grads[name] != nil }
        let out = op(golden, inputs)
        out.backward(upstream.reshaped(out.shape))

        for name in golden.grads.keys.sorted() {
            let x = inputs[name]!, analytic = try #require(x.grad)
            let h: Float = 1e-3  // small enough not to cross kinks (relu, max) between close values
            // Up to 16 evenly spread elements per input keep the test fast.
            let probes = Set(stride(from: 0, to: x.count, by: Swift.max(1, x.count / 16)))
            for i in probes.sorted() {
                let saved = x.data[i]
                x.data[i] = saved + h; let up = objective(inputs)
                x.data[i] = saved - h; let down = objective(inputs)
                x.data[i] = saved
                let numeric = (up - down) / (2 * Double(h))
                let a = Double(analytic[flat: i])
                #expect(Swift.abs(numeric - a) <= 2e-2 * Swift.max(1, Swift.abs(a)),
                        "\(golden.name) d/d\(name)[\(i)]: analytic \(a), numeric \(numeric)")
            }
        }
    }
}
