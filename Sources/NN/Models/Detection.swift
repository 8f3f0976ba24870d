import Foundation
import Tensors

/// A single-stage anchor-free detector in the CenterNet style: a ResNet backbone, a light FPN-like neck back to
/// stride 4, and three heads per location — class heat map, box size, centre offset.
/// `forward` returns the raw heads concatenated on the channel axis: [N, classes + 4, H/4, W/4].
public final class CenterNet: Module {
    public let backbone: ResNet
    public let lateral: [Conv2d]
    public let smooth: Sequential
    public let heatmap: Sequential
    public let size: Sequential
    public let offset: Sequential
    public let classes: Int
    public static let stride = 4

    public init(backbone depth: ResNet.Depth = .resnet18, classes: Int, width: Int = 64, seed: UInt64 = 0) {
        let rng = RandomSource(seed: seed &+ 1)
        backbone = ResNet(depth, classes: nil, seed: seed)
        lateral = backbone.stageChannels.map { Conv2d($0, width, kernel: 1, rng: rng) }
        smooth = convBNReLU(width, width, kernel: 3, rng: rng)
        func head(_ out: Int) -> Sequential {
            Sequential(Conv2d(width, width, kernel: 3, padding: 1, rng: rng), Function.relu(), Conv2d(width, out, kernel: 1, rng: rng))
        }
        heatmap = head(classes)
        size = head(2)
        offset = head(2)
        self.classes = classes
        super.init()
        // Start every location at a 0.1 object prior, as CenterNet does, so early losses are not swamped by background.
        let bias = (heatmap.layers[2] as! Conv2d).bias!
        for i in 0..<bias.count { bias.data[i] = -2.19 }
    }

    override public func forward(_ x: Tensor) -> Tensor {
        let features = backbone.stages(x)
        var p = lateral[3](features[3])
        for level in [2, 1, 0] {
            let f = features[level]
            p = upsampleBilinear(p, size: (f.shape[2], f.shape[3]), alignCorners: false) + lateral[level](f)
        }
        let h = smooth(p)
        return Tensor.concat([heatmap(h), size(h), offset(h)], axis: 1)
    }

    /// Peaks of the heat map (local maxima in 3×3, CenterNet's "NMS"), the `limit` best over all classes,
    /// then class-wise NMS. Boxes are in input pixels. The defaults are the ones every scored path uses (training
    /// validation, `fovea iterate`), so their AP agrees on the same data; `fovea predict` shows ≥ 0.05 by default.
    public func decode(_ output: Tensor, limit: Int = CenterNetCoder.limit, scoreThreshold: Float = CenterNetCoder.scoreThreshold,
                       iouThreshold: Float = CenterNetCoder.iouThreshold) -> [[Detection]] {
        CenterNetCoder(classes: classes).decode(output, limit: limit, scoreThreshold: scoreThreshold, iouThreshold: iouThreshold)
    }
}

/// One detection: box as (x, y, width, height) in pixels, as COCO results store it.
public struct Detection: Equatable, Sendable {
    public var box: (x: Float, y: Float, width: Float, height: Float)
    public var label: Int
    public var score: Float

    public init(box: (x: Float, y: Float, width: Float, height: Float), label: Int, score: Float) {
        self.box = box; self.label = label; self.score = score
    }

    public static func == (a: Detection, b: Detection) -> Bool {
        a.box == b.box && a.label == b.label && a.score == b.score
    }

    /// Intersection over union with another box (continuous coordinates, no +1, as torchvision).
    public func iou(_ other: Detection) -> Float {
        let w = max(0, min(box.x + box.width, other.box.x + other.box.width) - max(box.x, other.box.x))
        let h = max(0, min(box.y + box.height, other.box.y + other.box.height) - max(box.y, other.box.y))
        let inter = w * h, union = box.width * box.height + other.box.width * other.box.height - inter
        return union > 0 ? inter / union : 0
    }
}

/// Greedy non-maximum suppression per class (torchvision's batched_nms): highest score first, a box survives
/// when its IoU with every kept box of its class is at most the threshold. Ties keep the earlier box.
public func nonMaximumSuppression(_ detections: [Detection], iouThreshold: Float) -> [Detection] {
    let order = detections.indices.sorted { detections[$0].score > detections[$1].score || (detections[$0].score == detections[$1].score && $0 < $1) }
    var kept: [Detection] = []
    for i in order {
        let d = detections[i]
        if kept.allSatisfy({ $0.label != d.label || $0.iou(d) <= iouThreshold }) { kept.append(d) }
    }
    return kept
}

/// CenterNet's encoding of boxes as training targets and its decoding back to boxes.
public struct CenterNetCoder: Sendable {
    public let classes: Int
    public var stride: Int { CenterNet.stride }

    public init(classes: Int) { self.classes = classes }

    /// Decoding for evaluation: COCO keeps at most 100 detections per image, and a low score threshold leaves the
    /// precision-recall curve whole.
    public static let limit = 100
    public static let scoreThreshold: Float = 0.01
    public static let iouThreshold: Float = 0.5

    /// Training targets for one image of size (height, width): a Gaussian heat map per class, and at each
    /// object's centre cell its size (in stride units) and sub-cell offset.
    public struct Targets {
        public let heatmap: Tensor          // [classes, h, w]
        public let size: Tensor             // [2, h, w]
        public let offset: Tensor           // [2, h, w]
        public let mask: Tensor             // [1, h, w]: 1 at object centres
    }

    public func encode(_ boxes: [Detection], imageSize: (Int, Int)) -> Targets {
        let (h, w) = ((imageSize.0 + stride - 1) / stride, (imageSize.1 + stride - 1) / stride)
        let heat = Tensor(zeros: [classes, h, w]), size = Tensor(zeros: [2, h, w]), offset = Tensor(zeros: [2, h, w])
        let mask = Tensor(zeros: [1, h, w])
        for b in boxes where b.box.width > 0 && b.box.height > 0 {
            let cx = (b.box.x + b.box.width / 2) / Float(stride), cy = (b.box.y + b.box.height / 2) / Float(stride)
            let ix = min(w - 1, max(0, Int(cx))), iy = min(h - 1, max(0, Int(cy)))
            let bw = b.box.width / Float(stride), bh = b.box.height / Float(stride)
            let radius = max(0, Int(Self.gaussianRadius(height: bh, width: bw)))
            let sigma = Float(2 * radius + 1) / 6
            for y in max(0, iy - radius)...min(h - 1, iy + radius) {
                for x in max(0, ix - radius)...min(w - 1, ix + radius) {
                    let dx = Float(x - ix), dy = Float(y - iy)
                    let v = Foundation.expf(-(dx * dx + dy * dy) / (2 * sigma * sigma))
                    let at = (b.label * h + y) * w + x
                    heat.data[at] = max(heat.data[at], v)
                }
            }
            let cell = iy * w + ix
            size.data[cell] = bw; size.data[h * w + cell] = bh
            offset.data[cell] = cx - Float(ix); offset.data[h * w + cell] = cy - Float(iy)
            mask.data[cell] = 1
        }
        return Targets(heatmap: heat, size: size, offset: offset, mask: mask)
    }

    /// CenterNet's radius: the largest r such that a box whose corners move by r still has IoU ≥ minOverlap.
    static func gaussianRadius(height: Float, width: Float, minOverlap: Float = 0.7) -> Float {
        let (a1, b1, c1) = (Float(1), height + width, width * height * (1 - minOverlap) / (1 + minOverlap))
        let r1 = (b1 + (b1 * b1 - 4 * a1 * c1).squareRoot()) / 2
        let (a2, b2, c2) = (Float(4), 2 * (height + width), (1 - minOverlap) * width * height)
        let r2 = (b2 + (b2 * b2 - 4 * a2 * c2).squareRoot()) / 2
        let (a3, b3, c3) = (4 * minOverlap, -2 * minOverlap * (height + width), (minOverlap - 1) * width * height)
        let r3 = (b3 + (b3 * b3 - 4 * a3 * c3).squareRoot()) / 2
        return min(r1, r2, r3)
    }

    public func decode(_ output: Tensor, limit: Int, scoreThreshold: Float, iouThreshold: Float) -> [[Detection]] {
        precondition(output.rank == 4 && output.shape[1] == classes + 4, "CenterNet output \(output.shape) for \(classes) classes")
        let (n, h, w) = (output.shape[0], output.shape[2], output.shape[3]), plane = h * w
        let heat = output.sliced(axis: 1, 0..<classes).sigmoid().detached()
        let peaks = maxPool2d(heat, kernel: 3, stride: 1, padding: 1)
        return (0..<n).map { i in
            var candidates: [(score: Float, index: Int)] = []
            for k in 0..<(classes * plane) {
                let at = i * classes * plane + k, s = heat.data[at]
                if s >= scoreThreshold && s == peaks.data[at] { candidates.append((s, k)) }
            }
            candidates.sort { $0.score > $1.score || ($0.score == $1.score && $0.index < $1.index) }
            let regress = output.data + (i * (classes + 4) + classes) * plane  // size w, size h, offset x, offset y
            let boxes = candidates.prefix(limit).map { c -> Detection in
                let label = c.index / plane, cell = c.index % plane, (y, x) = (cell / w, cell % w)
                // A negative size regression (an untrained head) means no extent, not a box turned inside out.
                let bw = max(0, regress[cell]) * Float(stride), bh = max(0, regress[plane + cell]) * Float(stride)
                let cx = (Float(x) + regress[2 * plane + cell]) * Float(stride), cy = (Float(y) + regress[3 * plane + cell]) * Float(stride)
                return Detection(box: (cx - bw / 2, cy - bh / 2, bw, bh), label: label, score: c.score)
            }
            return nonMaximumSuppression(boxes, iouThreshold: iouThreshold)
        }
    }

    /// CenterNet's loss for a batch: penalty-reduced focal loss on the heat map (α = 2, β = 4) plus L1 on size
    /// (weight 0.1) and offset at object centres, each normalised by the number of objects.
    public func loss(_ output: Tensor, _ targets: [Targets]) -> Tensor {
        let heatTarget = Tensor.concat(targets.map { $0.heatmap.reshaped([1] + $0.heatmap.shape) }, axis: 0)
        let sizeTarget = Tensor.concat(targets.map { $0.size.reshaped([1] + $0.size.shape) }, axis: 0)
        let offsetTarget = Tensor.concat(targets.map { $0.offset.reshaped([1] + $0.offset.shape) }, axis: 0)
        let mask = Tensor.concat(targets.map { $0.mask.reshaped([1] + $0.mask.shape) }, axis: 0)
        let objects = max(1, mask.scalars.reduce(0, +))
        let logits = output.sliced(axis: 1, 0..<classes)
        let p = logits.sigmoid().clamp(min: 1e-4, max: 1 - 1e-4)
        let positive = heatTarget.map { $0 == 1 ? 1 : 0 }
        let pos = positive * (1 - p).pow(2) * p.log()
        let neg = (1 - positive) * (1 - heatTarget).pow(4) * p.pow(2) * (1 - p).log()
        let focal = -(pos + neg).sum() / objects
        let size = ((output.sliced(axis: 1, classes..<(classes + 2)) - sizeTarget).abs() * mask).sum() / objects
        let offset = ((output.sliced(axis: 1, (classes + 2)..<(classes + 4)) - offsetTarget).abs() * mask).sum() / objects
        return focal + 0.1 * size + offset
    }
}
