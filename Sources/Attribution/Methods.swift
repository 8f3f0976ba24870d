import Foundation
import NN
import Tensors

/// The attribution methods. Each one says only how it weighs a layer's activations (pytorch-grad-cam's
/// `get_cam_weights` / `get_cam_image`); the engine does everything else.
public enum CAMMethod: String, CaseIterable, Sendable {
    case gradcam, gradcamPlusPlus = "gradcam++", hirescam, xgradcam, layercam, scorecam, ablationcam, eigencam

    var usesGradients: Bool {
        switch self { case .scorecam, .ablationcam, .eigencam: false; default: true }
    }

    /// The map before ReLU, [N, h, w].
    func map(_ c: CAMEngine.Capture, context: CAMEngine.Context, eigenSmooth: Bool) throws -> Tensor {
        let a = c.activations
        let weighted: Tensor
        switch self {
        case .hirescam: weighted = c.gradients! * a
        case .layercam: weighted = c.gradients!.relu() * a
        case .eigencam: return project(a)
        default: weighted = try channelWeights(c, context).reshaped([a.shape[0], a.shape[1], 1, 1]) * a
        }
        return eigenSmooth ? project(weighted) : weighted.sum(axes: [1])
    }

    /// One weight per channel and image, [N, C].
    private func channelWeights(_ c: CAMEngine.Capture, _ context: CAMEngine.Context) throws -> Tensor {
        let a = c.activations
        switch self {
        case .gradcam:
            return c.gradients!.mean(axes: [2, 3])
        case .gradcamPlusPlus:
            // α = g² / (2g² + ΣA·g³ + 1e-6), 0 where g = 0; w = Σ relu(g)·α.
            let g = c.gradients!, g2 = g * g, sumA = a.sum(axes: [2, 3], keepDims: true)
            let alpha = Tensor.zip(g, g2 / (2 * g2 + sumA * g2 * g + 1e-6)) { $0 != 0 ? $1 : 0 }
            return (g.relu() * alpha).sum(axes: [2, 3])
        case .xgradcam:
            return (c.gradients! * a / (a.sum(axes: [2, 3], keepDims: true) + 1e-7)).sum(axes: [2, 3])
        case .scorecam:
            return scoreWeights(c, context)
        case .ablationcam:
            return ablationWeights(c, context)
        case .hirescam, .layercam, .eigencam:
            preconditionFailure("\(rawValue) weighs elements, not channels")
        }
    }

    /// Score-CAM: each channel, up-sampled (corners aligned) and min-max scaled (eps 1e-8), masks the input;
    /// the softmax over channels of the target's scores weighs them. A flat channel masks everything to
    /// zero, so all flat channels share one forward pass: the first one's, batched with the live channels.
    private func scoreWeights(_ c: CAMEngine.Capture, _ context: CAMEngine.Context) -> Tensor {
        let a = c.activations, (n, channels) = (a.shape[0], a.shape[1])
        let (h, w) = (context.input.shape[2], context.input.shape[3]), plane = h * w
        let up = upsampleBilinear(a, size: (h, w), alignCorners: true)
        return context.engine.maskedForwards {
            var weights: [Float] = []
            for i in 0..<n {
                let image = context.input.sliced(axis: 0, i..<(i + 1))
                var scores = [Float](repeating: 0, count: channels)
                var live: [Int] = [], flat: [Int] = []
                var range = [(lo: Float, hi: Float)](repeating: (0, 0), count: channels)
                for k in 0..<channels {
                    let p = up.data + (i * channels + k) * plane
                    var lo = Float.infinity, hi = -Float.infinity
                    for j in 0..<plane { lo = min(lo, p[j]); hi = max(hi, p[j]) }
                    range[k] = (lo, hi)
                    if hi - lo == 0 { flat.append(k) } else { live.append(k) }
                }
                // Its own min-max gives a flat channel the all-zero mask.
                let forwarded = live + flat.prefix(1)
                for start in stride(from: 0, to: forwarded.count, by: context.engine.batchSize) {
                    let chunk = Array(forwarded[start..<min(forwarded.count, start + context.engine.batchSize)])
                    // Read straight from the up-sampled maps: slicing copies, and per channel that was the
                    // whole image's maps each time (C × C·H·W floats moved).
                    let masks = Tensor.empty([chunk.count, 1, h, w])
                    for (j, k) in chunk.enumerated() {
                        let p = up.data + (i * channels + k) * plane, q = masks.data + j * plane
                        let lo = range[k].lo, span = range[k].hi - range[k].lo + 1e-8
                        for e in 0..<plane { q[e] = (p[e] - lo) / span }
                    }
                    for (k, s) in zip(chunk, context.engine.scores(image * masks, target: context.targets[i])) { scores[k] = s }
                }
                for k in flat.dropFirst() { scores[k] = scores[flat[0]] }
                weights += Tensor(shape: [1, channels], scores).softmax(axis: 1).scalars
            }
            return Tensor(shape: [n, channels], weights)
        }
    }

    /// Ablation-CAM: replace the layer's output with its activations minus one channel at a time; the weight is
    /// the relative drop of the target's score. pytorch-grad-cam zeroes the channel when the activations'
    /// minimum is 0 (after ReLU); otherwise it writes min − 1e7, and since it recomputes the minimum after each
    /// write within a batch of `batchSize`, the j-th channel of a batch gets min − (j+1)·1e7.
    private func ablationWeights(_ c: CAMEngine.Capture, _ context: CAMEngine.Context) -> Tensor {
        let engine = context.engine, a = c.activations, (n, channels) = (a.shape[0], a.shape[1])
        let layer = engine.model.module(at: c.layer)!
        let plane = a.count / (n * channels)
        var weights: [Float] = []
        for i in 0..<n {
            let image = context.input.sliced(axis: 0, i..<(i + 1)), target = context.targets[i]
            // The ablated forwards run module by module (a hook swaps the layer's output), so this one does
            // too: one fused and the others not took the maps from 6e-6 to 7e-5 of the goldens.
            let original = engine.scores(image, target: target, fused: false)[0]
            let own = a.sliced(axis: 0, i..<(i + 1))
            let minimum = own.scalars.min()!
            var dropped: [Float] = []
            for start in stride(from: 0, to: channels, by: engine.batchSize) {
                let count = min(engine.batchSize, channels - start)
                let replaced = Tensor.concat(Array(repeating: own, count: count), axis: 0).copy()
                for j in 0..<count {
                    let value = minimum == 0 ? 0 : minimum - Float(j + 1) * 1e7
                    (replaced.data + (j * channels + start + j) * plane).update(repeating: value, count: plane)
                }
                layer.forwardHook = { _ in replaced }
                dropped += engine.scores(Tensor.concat(Array(repeating: image, count: count), axis: 0), target: target)
                layer.forwardHook = nil
            }
            weights += dropped.map { (original - $0) / original }
        }
        return Tensor(shape: [n, channels], weights)
    }

    /// EigenCAM's projection: each image's [h·w, C] activations, centred, onto the first right singular vector.
    private func project(_ x: Tensor) -> Tensor {
        let (n, channels, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let cleaned = x.map { $0.isNaN ? 0 : $0 }
        return Tensor.concat((0..<n).map { i in
            let rows = cleaned.sliced(axis: 0, i..<(i + 1)).reshaped([channels, h * w]).transposed
            return firstComponentProjection(rows).reshaped([1, h, w])
        }, axis: 0)
    }
}
