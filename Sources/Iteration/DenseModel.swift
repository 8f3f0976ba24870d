import Datasets
import Foundation
import NN
import Tensors

/// A detector or segmenter of the zoo with its weights (imported from PyTorch as safetensors), in eval mode, as the
/// predict and heat-map stages of dense iterations run it.
struct DenseModel {
    let architecture: Architecture
    let module: Module
    let weights: String
    /// Output classes, as the weights' output layer has them.
    let classes: Int
    /// How images become inputs: the architecture's convention for imported weights, the run's for Fovea's own.
    let preprocessing: Preprocessing

    /// `model` must name a zoo architecture of `task`; the classes are read off the weights' output layer.
    init(model: String, weights: String, task: Architecture.Task, config: String, preprocessing: Preprocessing? = nil) throws {
        guard let arch = Architecture(rawValue: model), arch.task == task else {
            let known = Architecture.allCases.filter { $0.task == task }.map(\.rawValue).joined(separator: ", ")
            throw IterationError("\(config): model: \(model) is not a \(task.rawValue) model of the zoo (\(known))")
        }
        do {
            let file = try Safetensors.read(URL(fileURLWithPath: weights))
            guard let head = file.tensors[arch.classifierKey]?.tensor else {
                throw IterationError("\(weights): missing key '\(arch.classifierKey)' (is this a \(model)?)")
            }
            classes = head.shape[0]
            module = arch.make(classes: classes)
            try module.load(file.tensors.mapValues(\.tensor), source: weights)
        } catch let e as IterationError { throw e } catch { throw IterationError("\(error)") }
        module.eval()
        module.freeze()
        architecture = arch
        self.weights = weights
        self.preprocessing = preprocessing ?? arch.preprocessing
    }

    /// One image as the network takes it, the decoded picture, and where the picture lies in the input.
    struct Input {
        var tensor: Tensor
        var picture: Image
        var placement: (scale: (Float, Float), offset: (Float, Float))
        /// The picture's rectangle in input pixels (a letterbox pads around it).
        var window: (top: Int, left: Int, height: Int, width: Int)
    }

    func input(_ path: String) throws -> Input {
        let picture: Image
        do { picture = try ImageCodecs.read(path: path).rgb8() } catch { throw IterationError("\(error)") }
        let p = preprocessing
        let tensor = p.apply(Tensor(shape: [1, picture.height, picture.width, 3], picture.floats()).permuted([0, 3, 1, 2]))
        let placement = p.placement(height: picture.height, width: picture.width)
        let height = min(p.size, max(1, Int((Float(picture.height) * placement.scale.0).rounded())))
        let width = min(p.size, max(1, Int((Float(picture.width) * placement.scale.1).rounded())))
        let window = (top: max(0, Int(placement.offset.0)), left: max(0, Int(placement.offset.1)), height: height, width: width)
        return Input(tensor: tensor, picture: picture, placement: placement, window: window)
    }
}
