import Datasets
import Foundation
import Tensors

/// The first validation images of an evaluation as one picture for TensorBoard: the network's inputs with the
/// normalisation undone, tiled in rows, each in a coloured frame — for classification green when predicted right and
/// red when wrong; the dense tasks draw their predictions onto the images first.
public struct ValidationGrid: Sendable {
    public let columns: Int
    public let mean: [Float], std: [Float]
    public static let border = 2
    public static let right: [UInt8] = [40, 200, 60], wrong: [UInt8] = [220, 40, 40], neutral: [UInt8] = [128, 128, 128]

    public init(columns: Int, mean: [Double], std: [Double]) {
        self.columns = columns
        self.mean = mean.map(Float.init)
        self.std = std.map(Float.init)
    }

    /// `inputs` is [N, 3, H, W] as the model saw it; `correct[i]` tells whether image i was classified right.
    public func render(_ inputs: Tensor, correct: [Bool]) -> Datasets.Image {
        tile((0..<inputs.shape[0]).map { picture(inputs, $0) }, frames: correct.map { $0 ? Self.right : Self.wrong })
    }

    /// Image `index` of `inputs` as it was before normalisation.
    public func picture(_ inputs: Tensor, _ index: Int) -> Picture {
        let (h, w) = (inputs.shape[2], inputs.shape[3])
        var picture = Picture(width: w, height: h)
        for c in 0..<3 {
            for y in 0..<h {
                for x in 0..<w {
                    let v = inputs.data[((index * 3 + c) * h + y) * w + x] * std[c] + mean[c]
                    picture.pixels[(y * w + x) * 3 + c] = UInt8(max(0, min(255, (v * 255).rounded())))
                }
            }
        }
        return picture
    }

    /// The pictures (all one size) in rows of `columns`, each framed in its colour.
    public func tile(_ pictures: [Picture], frames: [[UInt8]]) -> Datasets.Image {
        let (n, h, w) = (pictures.count, pictures[0].height, pictures[0].width)
        let b = Self.border, cellW = w + 2 * b, cellH = h + 2 * b
        let cols = min(columns, n), rows = (n + cols - 1) / cols
        let width = cols * cellW, height = rows * cellH
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        for i in 0..<n {
            let left = (i % cols) * cellW, top = (i / cols) * cellH
            for y in 0..<cellH {
                for x in 0..<cellW {
                    let at = ((top + y) * width + left + x) * 3
                    let inside = y >= b && y < b + h && x >= b && x < b + w
                    for c in 0..<3 { pixels[at + c] = inside ? pictures[i].pixels[((y - b) * w + x - b) * 3 + c] : frames[i][c] }
                }
            }
        }
        return Datasets.Image(width: width, height: height, layout: .rgb, pixels: pixels)
    }

    /// One validation image, RGB, to draw predictions on.
    public struct Picture: Sendable {
        public let width: Int, height: Int
        public var pixels: [UInt8]

        init(width: Int, height: Int) {
            self.width = width
            self.height = height
            pixels = [UInt8](repeating: 0, count: width * height * 3)
        }

        /// A one-pixel rectangle outline (x, y, width, height in pixels), clipped to the picture.
        public mutating func outline(_ box: (x: Float, y: Float, width: Float, height: Float), _ color: [UInt8]) {
            let x0 = Int(box.x.rounded()), y0 = Int(box.y.rounded())
            let x1 = Int((box.x + box.width).rounded()) - 1, y1 = Int((box.y + box.height).rounded()) - 1
            if max(0, x0) <= min(width - 1, x1) { for x in max(0, x0)...min(width - 1, x1) { set(x, y0, color); set(x, y1, color) } }
            if max(0, y0) <= min(height - 1, y1) { for y in max(0, y0)...min(height - 1, y1) { set(x0, y, color); set(x1, y, color) } }
        }

        /// Half-and-half blend of `color` over pixel (x, y).
        public mutating func tint(_ x: Int, _ y: Int, _ color: [UInt8]) {
            for c in 0..<3 { pixels[(y * width + x) * 3 + c] = UInt8((Int(pixels[(y * width + x) * 3 + c]) + Int(color[c])) / 2) }
        }

        private mutating func set(_ x: Int, _ y: Int, _ color: [UInt8]) {
            guard x >= 0, y >= 0, x < width, y < height else { return }
            for c in 0..<3 { pixels[(y * width + x) * 3 + c] = color[c] }
        }
    }

    /// Distinct colours for class indices (index 0 unused: background stays untinted in segmentation pictures).
    public static func classColor(_ index: Int) -> [UInt8] {
        let palette: [[UInt8]] = [[0, 0, 0], [230, 25, 75], [60, 180, 75], [255, 225, 25], [0, 130, 200], [245, 130, 48],
                                  [145, 30, 180], [70, 240, 240], [240, 50, 230], [210, 245, 60], [250, 190, 212]]
        return index == 0 ? palette[0] : palette[1 + (index - 1) % (palette.count - 1)]  // never black past the palette
    }
}
