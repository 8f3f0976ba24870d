import Foundation

// Losses with PyTorch / torchvision semantics. Most are compositions of differentiable ops, so their
// gradients come for free; cross-entropy is fused for speed and numerical range.

public enum Reduction: Sendable { case none, mean, sum }

extension Tensor {
    func reduced(_ r: Reduction) -> Tensor {
        switch r { case .none: self; case .mean: mean(); case .sum: sum() }
    }
}

/// Each sample's (or pixel's) cross-entropy term, label smoothing included, nil where the target is `ignoreIndex`:
/// what `crossEntropy` averages, for callers that weigh samples by their loss. No graph.
public func crossEntropyPerSample(_ logits: Tensor, targets: [Int], labelSmoothing: Float = 0, ignoreIndex: Int = -100) -> [Double?] {
    crossEntropyTerms(withoutGrad { logits.logSoftmax(axis: 1) }, targets: targets, labelSmoothing: labelSmoothing, ignoreIndex: ignoreIndex)
}

private func crossEntropyTerms(_ logp: Tensor, targets: [Int], labelSmoothing: Float, ignoreIndex: Int) -> [Double?] {
    let n = logp.shape[0], c = logp.shape[1], inner = logp.shape[2...].reduce(1, *)
    precondition(targets.count == n * inner, "cross_entropy: \(targets.count) targets for logits \(logp.shape)")
    return (0..<(n * inner)).map { s -> Double? in
        let t = targets[s]
        guard t != ignoreIndex else { return nil }
        precondition(t >= 0 && t < c, "cross_entropy: target \(t) outside 0..<\(c)")
        let base = (s / inner) * c * inner + s % inner
        var uniform = 0.0
        if labelSmoothing > 0 { for k in 0..<c { uniform += Double(logp.data[base + k * inner]) } }
        return -(Double(1 - labelSmoothing) * Double(logp.data[base + t * inner]) + Double(labelSmoothing) * uniform / Double(c))
    }
}

/// cross_entropy(logits [N, C] or [N, C, d…], targets [N·d…] class indices), mean over non-ignored targets.
/// Label smoothing ε mixes the one-hot target with the uniform distribution: (1-ε)·onehot + ε/C.
public func crossEntropy(_ logits: Tensor, targets: [Int], labelSmoothing: Float = 0, ignoreIndex: Int = -100) -> Tensor {
    precondition(logits.rank >= 2, "cross_entropy logits \(logits.shape) need a class axis")
    let n = logits.shape[0], c = logits.shape[1], inner = logits.shape[2...].reduce(1, *)
    let logp = withoutGrad { logits.logSoftmax(axis: 1) }
    let terms = crossEntropyTerms(logp, targets: targets, labelSmoothing: labelSmoothing, ignoreIndex: ignoreIndex).compactMap { $0 }
    let counted = terms.count
    let loss = Tensor(scalar: Float(terms.reduce(0, +) / Double(counted)))  // 0/0 = NaN when all are ignored, as PyTorch
    return Tensor.result(loss, [logits]) { g in
        let scale = g.item / Float(counted)
        let dx = Tensor(zeros: logits.shape)
        for s in 0..<(n * inner) where targets[s] != ignoreIndex {
            let base = (s / inner) * c * inner + s % inner
            for k in 0..<c {
                let target = (k == targets[s] ? 1 - labelSmoothing : 0) + labelSmoothing / Float(c)
                dx.data[base + k * inner] = scale * (Foundation.expf(logp.data[base + k * inner]) - target)
            }
        }
        return [dx]
    }
}

/// binary_cross_entropy_with_logits: softplus(x) − x·y, stable for any x.
public func bceWithLogits(_ logits: Tensor, _ targets: Tensor, reduction: Reduction = .mean) -> Tensor {
    (logits.softplus() - logits * targets).reduced(reduction)
}

/// torchvision.ops.sigmoid_focal_loss (alpha < 0 disables the class weighting).
public func sigmoidFocalLoss(_ logits: Tensor, _ targets: Tensor, alpha: Float = 0.25, gamma: Float = 2,
                             reduction: Reduction = .none) -> Tensor {
    let p = logits.sigmoid()
    let ce = logits.softplus() - logits * targets
    let pt = p * targets + (1 - p) * (1 - targets)
    var loss = ce * (1 - pt).pow(gamma)
    if alpha >= 0 { loss = loss * (alpha * targets + (1 - alpha) * (1 - targets)) }
    return loss.reduced(reduction)
}

/// smooth_l1_loss: 0.5·d²/β where |d| < β, |d| − 0.5·β elsewhere.
public func smoothL1Loss(_ input: Tensor, _ target: Tensor, beta: Float = 1, reduction: Reduction = .mean) -> Tensor {
    let d = input - target
    if beta == 0 { return d.abs().reduced(reduction) }
    let small = d.abs().detached().map { $0 < beta ? 1 : 0 }
    return Tensor.select(small, 0.5 * d * d / beta, d.abs() - 0.5 * beta).reduced(reduction)
}

/// torchvision.ops.generalized_box_iou_loss for boxes [N, 4] as (x1, y1, x2, y2).
public func generalizedBoxIoULoss(_ boxes: Tensor, _ targets: Tensor, reduction: Reduction = .none, eps: Float = 1e-7) -> Tensor {
    precondition(boxes.rank == 2 && boxes.shape[1] == 4 && targets.shape == boxes.shape,
                 "GIoU loss needs two [N, 4] box tensors, got \(boxes.shape) and \(targets.shape)")
    func col(_ t: Tensor, _ i: Int) -> Tensor { t.sliced(axis: 1, i..<(i + 1)) }
    let (x1, y1, x2, y2) = (col(boxes, 0), col(boxes, 1), col(boxes, 2), col(boxes, 3))
    let (gx1, gy1, gx2, gy2) = (col(targets, 0), col(targets, 1), col(targets, 2), col(targets, 3))
    let iw = (Tensor.minimum(x2, gx2) - Tensor.maximum(x1, gx1)).relu()
    let ih = (Tensor.minimum(y2, gy2) - Tensor.maximum(y1, gy1)).relu()
    let intersection = iw * ih
    let union = (x2 - x1) * (y2 - y1) + (gx2 - gx1) * (gy2 - gy1) - intersection
    let iou = intersection / (union + eps)
    let hull = (Tensor.maximum(x2, gx2) - Tensor.minimum(x1, gx1)) * (Tensor.maximum(y2, gy2) - Tensor.minimum(y1, gy1))
    let loss = 1 - (iou - (hull - union) / (hull + eps))
    return loss.reshaped([boxes.shape[0]]).reduced(reduction)
}

/// Soft Dice loss over probabilities [N, C, …] and one-hot targets of the same shape:
/// 1 − mean over classes of (2·Σ p·t + smooth) / (Σ p + Σ t + smooth), sums over all but the class axis.
public func diceLoss(_ probabilities: Tensor, _ targets: Tensor, smooth: Float = 1) -> Tensor {
    precondition(probabilities.shape == targets.shape && probabilities.rank >= 2,
                 "Dice loss needs probabilities and targets of one shape, got \(probabilities.shape) and \(targets.shape)")
    let axes = [0] + Array(2..<probabilities.rank)
    let overlap = (probabilities * targets).sum(axes: axes)
    let total = probabilities.sum(axes: axes) + targets.sum(axes: axes)
    return 1 - ((2 * overlap + smooth) / (total + smooth)).mean()
}
