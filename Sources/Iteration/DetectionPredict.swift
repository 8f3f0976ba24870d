import Evaluation
import Foundation
import NN
import Report
import Tensors

/// The predict stage of a detection iteration that runs the zoo's detector: every image of the ground truth goes
/// through the network, its decoded boxes are mapped back to the image's pixels and written as COCO results, which
/// the rest of the iteration reads as it reads a detector's results from elsewhere. Output class k is the k-th
/// category of the ground truth in id order.
struct DetectionPredict {
    let model: DenseModel
    let config: IterateConfig
    let output: URL
    let log: (String) -> Void

    struct Result: Encodable {
        var image_id: Int
        var category_id: Int
        var bbox: [Double]
        var score: Double
    }

    func run() throws {
        let truthFile = config.groundTruth!
        let truth: CocoGroundTruth
        do { truth = try CocoFiles.loadGroundTruth(path: truthFile, keepSegmentation: false) } catch { throw IterationError("\(error)") }
        let categories = truth.categories.map(\.id).sorted()
        guard categories.count == model.classes, let detector = model.module as? CenterNet else {
            throw IterationError("\(model.weights): \(model.classes) output classes, but \(truthFile) has \(categories.count) categories")
        }
        var results = [Result]()
        for (done, info) in truth.images.enumerated() {
            guard let name = info.fileName, let path = DetectionIteration.path(config.images, name) else {
                throw IterationError("\(truthFile): images[\(done)].file_name: missing or outside \(config.images ?? "the image folder")")
            }
            let input = try model.input(path)
            for d in detector.decode(withoutGrad { detector(input.tensor) })[0] {
                let box = model.preprocessing.originalBox(d.box, height: input.picture.height, width: input.picture.width)
                results.append(Result(image_id: info.id, category_id: categories[d.label], bbox: box, score: Double(d.score)))
            }
            if (done + 1) % 50 == 0 { log("predict: \(done + 1)/\(truth.images.count) images") }
        }
        try JSONEncoder().encode(results).write(to: output, options: .atomic)
        log("predict: \(model.architecture.rawValue), \(results.count) detections on \(truth.images.count) images")
    }
}
