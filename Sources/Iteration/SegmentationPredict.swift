import Datasets
import Foundation
import NN
import Tensors

/// The predict stage of a segmentation iteration with imported weights: the zoo's segmenter runs over every image that
/// has a ground-truth mask, and its class-index masks (arg-max, stretched back to each mask's size) are written for the
/// rest of the iteration, which then reads them as it reads masks predicted elsewhere.
struct SegmentationPredict {
    let config: IterateConfig
    let output: URL
    let log: (String) -> Void

    func run() throws {
        let modelName = config.model!, weights = config.weights!
        guard let arch = Architecture(rawValue: modelName), arch.task == .segmentation else {
            throw IterationError("\(config.file): model: \(modelName) is not a segmentation model of the zoo")
        }
        let net: Module
        do {
            let file = try Safetensors.read(URL(fileURLWithPath: weights))
            guard let head = file.tensors[arch.classifierKey]?.tensor else {
                throw IterationError("\(weights): missing key '\(arch.classifierKey)' (is this a \(modelName)?)")
            }
            net = arch.make(classes: head.shape[0])
            try net.load(file.tensors.mapValues(\.tensor), source: weights)
        } catch let e as IterationError { throw e } catch { throw IterationError("\(error)") }
        net.eval()
        net.freeze()
        let truth = config.groundTruth!, images = config.images!
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: truth)) ?? []).filter { $0.lowercased().hasSuffix(".png") }.sorted()
        try FileManager.default.createDirectory(at: output, withIntermediateDirectories: true)
        let preprocessing = arch.preprocessing
        for name in names {
            let imagePath = URL(fileURLWithPath: images).appendingPathComponent(name).path
            let maskPath = URL(fileURLWithPath: truth).appendingPathComponent(name).path
            let image: Image, mask: SegmentationMask
            do {
                image = try ImageCodecs.read(path: imagePath).rgb8()
                mask = try SegmentationMask.read(path: maskPath)
            } catch { throw IterationError("\(error)") }
            let x = preprocessing.apply(Tensor(shape: [1, image.height, image.width, 3], image.floats()).permuted([0, 3, 1, 2]))
            let out = withoutGrad { net(x) }
            let labels = out.argmax(axis: 1), (h, w) = (out.shape[2], out.shape[3])
            var pixels = [UInt8](repeating: 0, count: mask.width * mask.height)
            for y in 0..<mask.height { for x in 0..<mask.width {
                // Nearest label of the stretched network output at this mask pixel's centre.
                let sy = min(h - 1, (2 * y + 1) * h / (2 * mask.height)), sx = min(w - 1, (2 * x + 1) * w / (2 * mask.width))
                pixels[y * mask.width + x] = UInt8(clamping: labels[sy * w + sx])
            } }
            do {
                try ImageCodecs.writePNG(Image(width: mask.width, height: mask.height, layout: .gray, pixels: pixels),
                                         to: output.appendingPathComponent(name).path)
            } catch { throw IterationError("\(error)") }
        }
        log("predict: \(modelName) on \(names.count) images")
    }
}
