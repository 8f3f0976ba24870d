import Datasets

/// A segmentation mask blended over its image: each class in its colour at `alpha`, ignore pixels (255) and a class
/// named "background" left as they are, with a legend of the classes present below the image.
public struct MaskOverlay: Drawing, Sendable {
    public let image: Image
    public let mask: [UInt8]
    /// The mask's own size (the image's unless made from a `SegmentationMask` of another size).
    public let maskWidth: Int, maskHeight: Int
    public let classNames: [String]
    public let alpha: Double
    let frame: ImageFrame
    let legend: Legend?

    static let legendPadding = 4.0

    /// `mask` holds one class index per image pixel, row-major.
    public init(image: Image, mask: [UInt8], classNames: [String], alpha: Double = 0.5, maxSide: Int? = nil,
                minSide: Int? = nil, showsLegend: Bool = true) {
        precondition(mask.count == image.width * image.height,
                     "a mask of \(mask.count) labels does not cover a \(image.width)×\(image.height) image")
        self.init(image: image, mask: mask, maskWidth: image.width, maskHeight: image.height, classNames: classNames,
                  alpha: alpha, maxSide: maxSide, minSide: minSide, showsLegend: showsLegend)
    }

    /// A mask of any size: it is stretched over the image (nearest label), so a prediction made at the network's
    /// input size lines up with the original picture.
    public init(image: Image, mask: SegmentationMask, classNames: [String], alpha: Double = 0.5, maxSide: Int? = nil,
                minSide: Int? = nil, showsLegend: Bool = true) {
        self.init(image: image, mask: mask.labels, maskWidth: mask.width, maskHeight: mask.height, classNames: classNames,
                  alpha: alpha, maxSide: maxSide, minSide: minSide, showsLegend: showsLegend)
    }

    init(image: Image, mask: [UInt8], maskWidth: Int, maskHeight: Int, classNames: [String], alpha: Double, maxSide: Int?,
         minSide: Int?, showsLegend: Bool) {
        self.image = image
        self.mask = mask
        self.maskWidth = maskWidth
        self.maskHeight = maskHeight
        self.classNames = classNames
        self.alpha = min(max(alpha, 0), 1)
        let frame = ImageFrame(imageWidth: image.width, imageHeight: image.height, maxSide: maxSide, minSide: minSide)
        self.frame = frame
        if showsLegend {
            let present = Set(mask)
            let entries = (0..<256).filter { present.contains(UInt8($0)) && Self.isDrawn(UInt8($0), classNames) }.map {
                Legend.Entry(name: $0 < classNames.count ? classNames[$0] : "class \($0)", color: Self.color(forClass: $0))
            }
            legend = entries.isEmpty ? nil : Legend(entries: entries, width: Double(frame.width) - 2 * Self.legendPadding)
        } else {
            legend = nil
        }
    }

    public var size: (width: Int, height: Int) {
        (frame.width, frame.height + Int((legend.map { $0.height + 2 * Self.legendPadding } ?? 0).rounded(.up)))
    }

    /// The colour of class `index` (the first ten as matplotlib's default cycle).
    public static func color(forClass index: Int) -> RGBColor { SeriesPalette.color(max(0, index - 1)) }

    static func isDrawn(_ label: UInt8, _ names: [String]) -> Bool {
        if label == SegmentationMask.ignoreIndex { return false }
        guard Int(label) < names.count else { return true }
        let name = names[Int(label)].lowercased().trimmingCharacters(in: ["_"])
        return name != "background" && name != "bg"
    }

    /// The blended 8-bit RGB pixels at `width` × `height`; the mask is sampled at pixel centres (labels cannot
    /// be averaged).
    public func blendedPixels(width: Int, height: Int) -> [UInt8] {
        let raster = DisplayRaster(image).shrunk(width: width, height: height)
        var out = raster.bytes
        let colors = (0..<256).map { Self.isDrawn(UInt8($0), classNames) ? Self.color(forClass: $0) : nil }
        for y in 0..<height {
            let sy = min(maskHeight - 1, Int((Double(y) + 0.5) * Double(maskHeight) / Double(height)))
            for x in 0..<width {
                let sx = min(maskWidth - 1, Int((Double(x) + 0.5) * Double(maskWidth) / Double(width)))
                guard let color = colors[Int(mask[sy * maskWidth + sx])] else { continue }
                let p = 3 * (y * width + x)
                for (c, value) in [color.r, color.g, color.b].enumerated() {
                    let mixed = (1 - alpha) * Double(raster.rgb[p + c]) + alpha * value
                    out[p + c] = UInt8((min(max(mixed, 0), 1) * 255).rounded())
                }
            }
        }
        return out
    }

    public func draw(on canvas: Canvas) {
        let raster = frame.rasterSize(scale: canvas.scale)
        canvas.paint(rgb: blendedPixels(width: raster.width, height: raster.height), width: raster.width,
                     height: raster.height, x: 0, y: 0, toWidth: Double(frame.width), toHeight: Double(frame.height))
        legend?.draw(on: canvas, x: Self.legendPadding, y: Double(frame.height) + Self.legendPadding)
    }
}
