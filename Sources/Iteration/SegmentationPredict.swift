import Datasets
import Foundation
import NN
import Tensors

/// The predict stage of a segmentation iteration with imported weights: the zoo's segmenter runs over every image that
/// has a ground-truth mask, and its class-index masks (arg-max, stretched back to each mask's size) are written for the
/// rest of the iteration, which then reads them as it reads masks predicted elsewhere.
struct SegmentationPredict {
    let model: DenseModel
    let config: IterateConfig
    let output: URL
    let log: (String) -> Void

    func run() throws {
        let truth = config.groundTruth!, images = config.images!
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: truth)) ?? []).filter { $0.lowercased().hasSuffix(".png") }.sorted()
        try FileManager.default.createDirectory(at: output, withIntermediateDirectories: true)
        for name in names {
            let input = try model.input(URL(fileURLWithPath: images).appendingPathComponent(name).path)
            let mask: SegmentationMask
            do { mask = try SegmentationMask.read(path: URL(fileURLWithPath: truth).appendingPathComponent(name).path) } catch {
                throw IterationError("\(error)")
            }
            let out = withoutGrad { model.module(input.tensor) }
            let labels = SegmentationMask.stretchedLabels(out.argmax(axis: 1)[...], width: out.shape[3], height: out.shape[2],
                                                          toWidth: mask.width, toHeight: mask.height)
            let pixels = labels.map { UInt8(clamping: $0) }
            do {
                try ImageCodecs.writePNG(Image(width: mask.width, height: mask.height, layout: .gray, pixels: pixels),
                                         to: output.appendingPathComponent(name).path)
            } catch { throw IterationError("\(error)") }
        }
        log("predict: \(model.architecture.rawValue) on \(names.count) images")
    }
}
