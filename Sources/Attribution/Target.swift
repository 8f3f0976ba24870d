import NN
import Tensors

/// What a heat map explains: one scalar of the model's output for one image. Explaining a miss or a false
/// positive means choosing the class, region or box that went wrong, not only the arg-max class.
public enum Target: Sendable, Equatable {
    /// The raw logit of a class (pytorch-grad-cam's ClassifierOutputTarget).
    case classLogit(Int)
    /// The softmax probability of a class (ClassifierOutputSoftmaxTarget).
    case classProbability(Int)
    /// A class's logits summed over a region of a segmentation output (SemanticSegmentationTarget);
    /// `mask` is row-major at the output's resolution, 1 inside the region.
    case region(class: Int, mask: [Float])
    /// A detector's score for one predicted box: the sigmoid of its class's heat-map logit at the box's
    /// centre cell (CenterNet output layout).
    case box(class: Int, row: Int, column: Int)

    /// The differentiable scalar for image `i` of a batch output.
    func score(_ output: Tensor, image i: Int) -> Tensor {
        let one = output.sliced(axis: 0, i..<(i + 1))
        switch self {
        case .classLogit(let k):
            return one.sliced(axis: 1, k..<(k + 1)).sum()
        case .classProbability(let k):
            return one.softmax(axis: 1).sliced(axis: 1, k..<(k + 1)).sum()
        case .region(let k, let mask):
            let plane = one.sliced(axis: 1, k..<(k + 1))
            return (plane * Tensor(shape: plane.shape, mask)).sum()
        case .box(let k, let row, let column):
            return one.sliced(axis: 1, k..<(k + 1)).sliced(axis: 2, row..<(row + 1)).sliced(axis: 3, column..<(column + 1)).sigmoid().sum()
        }
    }

    /// A target the output cannot answer (a class beyond its channels, a mask or cell outside its map) is an
    /// input error, not a trap.
    func check(against output: Tensor) throws {
        let channels = output.rank > 1 ? output.shape[1] : 0
        func fail(_ what: String) -> CAMEngine.Failure { CAMEngine.Failure(description: "target \(what) does not fit the model's output \(output.shape)") }
        switch self {
        case .classLogit(let k), .classProbability(let k):
            guard output.rank == 2, k >= 0, k < channels else { throw fail("class \(k)") }
        case .region(let k, let mask):
            guard output.rank == 4, k >= 0, k < channels, mask.count == output.shape[2] * output.shape[3] else { throw fail("region of class \(k)") }
        case .box(let k, let row, let column):
            guard output.rank == 4, k >= 0, k < channels, (0..<output.shape[2]).contains(row), (0..<output.shape[3]).contains(column) else {
                throw fail("box of class \(k) at (\(row), \(column))")
            }
        }
    }

    /// The default target: the arg-max class of a classifier's logits.
    static func argmax(_ output: Tensor, image i: Int) -> Target {
        .classLogit(output.sliced(axis: 0, i..<(i + 1)).argmax(axis: 1)[0])
    }

    /// A target for a decoded CenterNet detection.
    public static func box(_ detection: Detection) -> Target {
        let cx = detection.box.x + detection.box.width / 2, cy = detection.box.y + detection.box.height / 2
        return .box(class: detection.label, row: Int(cy) / CenterNet.stride, column: Int(cx) / CenterNet.stride)
    }
}
