import Foundation

/// A semantic-segmentation label map: one class index per pixel, stored as a single-channel PNG.
/// 255 marks pixels to ignore (object borders, unlabelled areas), as in Pascal VOC and Cityscapes.
public struct SegmentationMask: Sendable, Equatable {
    public static let ignoreIndex: UInt8 = 255

    public let width: Int
    public let height: Int
    /// Row-major class indices.
    public let labels: [UInt8]

    public init(width: Int, height: Int, labels: [UInt8]) {
        precondition(labels.count == width * height, "\(labels.count) labels do not fill a \(width)×\(height) mask")
        self.width = width
        self.height = height
        self.labels = labels
    }

    public func label(x: Int, y: Int) -> UInt8 { labels[y * width + x] }

    /// Pixels per class index (ignore included, at 255).
    public func histogram() -> [Int] {
        var counts = [Int](repeating: 0, count: 256)
        for label in labels { counts[Int(label)] += 1 }
        return counts
    }

    /// Reads a class-index PNG: 8-bit (or lower) gray values, or palette indices as they are (VOC masks are palette
    /// PNGs whose colours are only for viewing). Colour, alpha, 16-bit and JPEG files are refused: their values
    /// are not class indices, and JPEG compression would invent new ones at every edge.
    public static func read(path: String, limits: ImageLimits = .default) throws(ImageCodecError) -> SegmentationMask {
        try decode(try ImageCodecs.contents(of: path), file: path, limits: limits)
    }

    public static func decode(_ data: Data, file: String, limits: ImageLimits = .default) throws(ImageCodecError) -> SegmentationMask {
        guard try ImageCodecs.format(of: data, file: file) == .png else {
            throw ImageCodecError(file: file, problem: "masks must be PNG; JPEG compression changes class indices")
        }
        let decoded = data.withUnsafeBytes { bytes in
            Result { () throws(ImageCodecError) -> Image in
                try PNGDecoder.decode(bytes, file: file, limits: limits, asIndices: true)
            }
        }
        let image = try decoded.get()
        guard image.layout == .gray, case .uint8(let labels) = image.samples else {
            throw ImageCodecError(file: file, problem: "a class-index mask must be 8-bit gray or palette, not "
                                  + "\(image.bitDepth)-bit \(image.layout)")
        }
        return SegmentationMask(width: image.width, height: image.height, labels: labels)
    }

    /// Writes the mask as an 8-bit gray PNG.
    public func write(to path: String) throws(ImageCodecError) {
        try ImageCodecs.writePNG(Image(width: width, height: height, layout: .gray, pixels: labels), to: path)
    }
}

extension SegmentationMask {
    /// A `width` × `height` plane of labels stretched to `toWidth` × `toHeight`: each target pixel takes the label under
    /// its centre (nearest neighbour, the only resampling labels allow). A segmenter's output goes back to a mask's size so.
    public static func stretchedLabels<Label>(_ labels: ArraySlice<Label>, width: Int, height: Int, toWidth: Int, toHeight: Int) -> [Label] {
        precondition(labels.count == width * height, "\(labels.count) labels do not fill \(width)×\(height)")
        let base = labels.startIndex
        var out = [Label]()
        out.reserveCapacity(toWidth * toHeight)
        for y in 0..<toHeight {
            let row = base + min(height - 1, (2 * y + 1) * height / (2 * toHeight)) * width
            for x in 0..<toWidth { out.append(labels[row + min(width - 1, (2 * x + 1) * width / (2 * toWidth))]) }
        }
        return out
    }
}
