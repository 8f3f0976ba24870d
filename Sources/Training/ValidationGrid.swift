import Datasets
import Foundation
import Tensors

/// The first validation images of an evaluation as one picture for TensorBoard: the network's inputs with the
/// normalisation undone, tiled in rows, each framed green when predicted right and red when wrong.
public struct ValidationGrid: Sendable {
    public let columns: Int
    public let mean: [Float], std: [Float]
    public static let border = 2

    public init(columns: Int, mean: [Double], std: [Double]) {
        self.columns = columns
        self.mean = mean.map(Float.init)
        self.std = std.map(Float.init)
    }

    /// `inputs` is [N, 3, H, W] as the model saw it; `correct[i]` tells whether image i was classified right.
    public func render(_ inputs: Tensor, correct: [Bool]) -> Datasets.Image {
        let (n, h, w) = (inputs.shape[0], inputs.shape[2], inputs.shape[3])
        let b = Self.border, cellW = w + 2 * b, cellH = h + 2 * b
        let cols = min(columns, n), rows = (n + cols - 1) / cols
        let width = cols * cellW, height = rows * cellH
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        for i in 0..<n {
            let left = (i % cols) * cellW, top = (i / cols) * cellH
            let frame: [UInt8] = correct[i] ? [40, 200, 60] : [220, 40, 40]
            for y in 0..<cellH {
                for x in 0..<cellW {
                    let at = ((top + y) * width + left + x) * 3
                    let inside = y >= b && y < b + h && x >= b && x < b + w
                    for c in 0..<3 {
                        if inside {
                            let v = inputs.data[((i * 3 + c) * h + (y - b)) * w + (x - b)] * std[c] + mean[c]
                            pixels[at + c] = UInt8(max(0, min(255, (v * 255).rounded())))
                        } else {
                            pixels[at + c] = frame[c]
                        }
                    }
                }
            }
        }
        return Datasets.Image(width: width, height: height, layout: .rgb, pixels: pixels)
    }
}
