import Foundation
import NN
import Tensors

/// Does a heat map point at what the model uses? Perturb the input where the map says it matters and watch
/// the target's score (pytorch-grad-cam's metrics, plus RISE's deletion and insertion curves). Every metric
/// returns one value per image; maps are [N, H, W] in [0, 1] at input resolution.
public struct Faithfulness {
    public let model: Module
    /// Every metric's forwards are frozen eval forwards: fused where the model allows.
    private let inference: InferencePlan

    public init(model: Module) { self.model = model; model.eval(); inference = InferencePlan(model) }

    private func scores(_ x: Tensor, _ targets: [Target]) -> [Float] {
        let out = inference(x)
        return (0..<x.shape[0]).map { targets[$0].score(out, image: $0).item }
    }

    /// score(input × map) − score(input) (pytorch-grad-cam's CamMultImageConfidenceChange).
    public func confidenceChange(_ input: Tensor, maps: Tensor, targets: [Target]) -> [Float] {
        let masked = input * maps.reshaped([maps.shape[0], 1, maps.shape[1], maps.shape[2]])
        return zip(scores(masked, targets), scores(input, targets)).map { $0 - $1 }
    }

    /// max(−change, 0): how much confidence the map alone loses (DropInConfidence; lower is better).
    public func dropInConfidence(_ input: Tensor, maps: Tensor, targets: [Target]) -> [Float] {
        confidenceChange(input, maps: maps, targets: targets).map { max(-$0, 0) }
    }

    /// 1 where the map alone raises confidence (IncreaseInConfidence; higher is better).
    public func increaseInConfidence(_ input: Tensor, maps: Tensor, targets: [Target]) -> [Float] {
        confidenceChange(input, maps: maps, targets: targets).map { $0 > 0 ? 1 : 0 }
    }

    /// RISE deletion (insertion = false) or insertion curve's area: pixels ranked by the map (highest first,
    /// ties by position) are replaced by `baseline` (deletion) or revealed over it (insertion) in `steps`
    /// equal stages; the area under the score curve by the trapezoid rule over [0, 1].
    /// Deletion: lower is better; insertion: higher is better. Use a probability target for scores in [0, 1].
    public func curveArea(_ input: Tensor, maps: Tensor, targets: [Target], insertion: Bool, steps: Int = 32,
                          baseline: Float = 0) -> [Float] {
        let (n, h, w) = (input.shape[0], input.shape[2], input.shape[3]), plane = h * w
        return (0..<n).map { i in
            let map = Array(maps.scalars[(i * plane)..<((i + 1) * plane)])
            let order = map.indices.sorted { map[$0] > map[$1] || (map[$0] == map[$1] && $0 < $1) }
            let image = input.sliced(axis: 0, i..<(i + 1))
            // One batch with every stage: stage k has the first k·plane/steps ranked pixels changed.
            let stages = Tensor.concat((0...steps).map { k -> Tensor in
                let changed = plane * k / steps
                let mask = Tensor(repeating: insertion ? 0 : 1, shape: [1, 1, h, w])
                for p in order.prefix(changed) { mask.data[p] = insertion ? 1 : 0 }
                return image * mask + baseline * (1 - mask)
            }, axis: 0)
            let curve = scores(stages, Array(repeating: targets[i], count: steps + 1))
            return (0..<steps).map { (curve[$0] + curve[$0 + 1]) / 2 }.reduce(0, +) / Float(steps)
        }
    }

    /// ROAD (Rong et al., 2022; pytorch-grad-cam's ROADMostRelevantFirst / ROADLeastRelevantFirst): remove the
    /// pixels above (most relevant first) or below (least relevant first) the map's `percentile`, fill them by
    /// noisy linear imputation, and return score(imputed) − score(input). Most-relevant-first: lower is
    /// better; least-relevant-first: higher is better.
    public func road(_ input: Tensor, maps: Tensor, targets: [Target], percentile: Float, mostRelevantFirst: Bool,
                     noise: Float = 0.01, seed: UInt64 = 0) -> [Float] {
        let (n, h, w) = (input.shape[0], input.shape[2], input.shape[3]), plane = h * w
        var rng = SeededGenerator(seed: seed)
        let imputed = Tensor.concat((0..<n).map { i -> Tensor in
            let map = Array(maps.scalars[(i * plane)..<((i + 1) * plane)])
            let threshold = Self.percentile(map, mostRelevantFirst ? percentile : 100 - percentile)
            let keep = map.map { mostRelevantFirst ? $0 < threshold : $0 > threshold }
            return Self.impute(input.sliced(axis: 0, i..<(i + 1)), keep: keep, noise: noise, rng: &rng)
        }, axis: 0)
        return zip(scores(imputed, targets), scores(input, targets)).map { $0 - $1 }
    }

    /// ROADCombined: (least-relevant-first − most-relevant-first) / 2, averaged over percentiles 10…90.
    public func roadCombined(_ input: Tensor, maps: Tensor, targets: [Target], percentiles: [Float] = [10, 20, 30, 40, 50, 60, 70, 80, 90],
                             noise: Float = 0.01, seed: UInt64 = 0) -> [Float] {
        var total = [Float](repeating: 0, count: input.shape[0])
        for p in percentiles {
            let lerf = road(input, maps: maps, targets: targets, percentile: p, mostRelevantFirst: false, noise: noise, seed: seed)
            let morf = road(input, maps: maps, targets: targets, percentile: p, mostRelevantFirst: true, noise: noise, seed: seed)
            for i in total.indices { total[i] += (lerf[i] - morf[i]) / 2 / Float(percentiles.count) }
        }
        return total
    }

    /// numpy.percentile with linear interpolation.
    public static func percentile(_ values: [Float], _ q: Float) -> Float {
        let sorted = values.sorted(), position = Double(q) / 100 * Double(sorted.count - 1)
        let lo = Int(position.rounded(.down)), hi = min(lo + 1, sorted.count - 1), f = Float(position - Double(lo))
        return sorted[lo] + (sorted[hi] - sorted[lo]) * f
    }

    /// ROAD's noisy linear imputation: every removed pixel equals the weighted mean of its eight neighbours
    /// (1/6 for edge neighbours, 1/12 for corners, inside the image), solved per channel by conjugate
    /// gradients, then perturbed by `noise`·N(0, 1).
    public static func impute(_ image: Tensor, keep: [Bool], noise: Float, rng: inout SeededGenerator) -> Tensor {
        let (c, h, w) = (image.shape[1], image.shape[2], image.shape[3]), plane = h * w
        let missing = (0..<plane).filter { !keep[$0] }
        guard !missing.isEmpty else { return image.copy() }
        var index = [Int](repeating: -1, count: plane)
        for (k, p) in missing.enumerated() { index[p] = k }
        let neighbours: [(Int, Int, Double)] = [(1, 1, 1.0 / 12), (0, 1, 1.0 / 6), (-1, 1, 1.0 / 12), (1, -1, 1.0 / 12),
                                               (0, -1, 1.0 / 6), (-1, -1, 1.0 / 12), (1, 0, 1.0 / 6), (-1, 0, 1.0 / 6)]
        // For each unknown: its diagonal (sum of in-image neighbour weights) and its unknown neighbours.
        var diagonal = [Double](repeating: 0, count: missing.count)
        var links = [[(Int, Double)]](repeating: [], count: missing.count)
        for (k, p) in missing.enumerated() {
            let (y, x) = (p / w, p % w)
            for (dy, dx, weight) in neighbours {
                let (ny, nx) = (y + dy, x + dx)
                guard ny >= 0, ny < h, nx >= 0, nx < w else { continue }
                diagonal[k] += weight
                if index[ny * w + nx] >= 0 { links[k].append((index[ny * w + nx], weight)) }
            }
        }
        let out = image.copy()
        for ch in 0..<c {
            let values = image.data + ch * plane
            // The system D·x − L·x = b, with b the weighted known neighbours; symmetric positive definite.
            var b = [Double](repeating: 0, count: missing.count)
            for (k, p) in missing.enumerated() {
                let (y, x) = (p / w, p % w)
                for (dy, dx, weight) in neighbours {
                    let (ny, nx) = (y + dy, x + dx)
                    if ny >= 0, ny < h, nx >= 0, nx < w, index[ny * w + nx] < 0 { b[k] += weight * Double(values[ny * w + nx]) }
                }
            }
            func apply(_ v: [Double]) -> [Double] {
                (0..<v.count).map { k in diagonal[k] * v[k] - links[k].reduce(0) { $0 + $1.1 * v[$1.0] } }
            }
            var x = [Double](repeating: 0, count: missing.count)
            var r = b, p = r
            var rr = r.reduce(0) { $0 + $1 * $1 }
            let tolerance = 1e-12 * max(1, b.reduce(0) { $0 + $1 * $1 })
            for _ in 0..<(4 * missing.count + 100) where rr > tolerance {
                let ap = apply(p)
                let alpha = rr / zip(p, ap).reduce(0) { $0 + $1.0 * $1.1 }
                for k in x.indices { x[k] += alpha * p[k]; r[k] -= alpha * ap[k] }
                let next = r.reduce(0) { $0 + $1 * $1 }
                for k in p.indices { p[k] = r[k] + next / rr * p[k] }
                rr = next
            }
            for (k, p) in missing.enumerated() { out.data[ch * plane + p] = Float(x[k]) + noise * rng.nextNormal() }
        }
        return out
    }
}
