/// Aspect-preserving resize into a fixed canvas, padding the rest: text and other thin structures keep their
/// proportions instead of being squashed. `scale` and `offset` map source coordinates to the canvas, for boxes.
public struct Letterbox: Sendable, Equatable {
    public let scale: Double
    public let offsetX: Double
    public let offsetY: Double
    public let width: Int
    public let height: Int

    /// Fits a `sourceWidth` × `sourceHeight` image into `width` × `height`, centred.
    public init(sourceWidth: Int, sourceHeight: Int, width: Int, height: Int) {
        scale = min(Double(width) / Double(sourceWidth), Double(height) / Double(sourceHeight))
        let fittedWidth = max(1, Int((Double(sourceWidth) * scale).rounded())), fittedHeight = max(1, Int((Double(sourceHeight) * scale).rounded()))
        offsetX = Double((width - fittedWidth) / 2)
        offsetY = Double((height - fittedHeight) / 2)
        self.width = width
        self.height = height
    }

    public func apply(_ image: PlanarImage, padding: Float = 0) -> PlanarImage {
        let fittedWidth = max(1, Int((Double(image.width) * scale).rounded())), fittedHeight = max(1, Int((Double(image.height) * scale).rounded()))
        let fitted = Resize.resize(image, width: fittedWidth, height: fittedHeight)
        var canvas = PlanarImage(width: width, height: height, channels: image.channels, filling: padding)
        let left = Int(offsetX), top = Int(offsetY)
        for channel in 0..<image.channels {
            for y in 0..<fittedHeight {
                for x in 0..<fittedWidth { canvas[channel, top + y, left + x] = fitted[channel, y, x] }
            }
        }
        return canvas
    }

    /// A box `[x, y, width, height]` in source pixels, in canvas pixels.
    public func apply(box: [Double]) -> [Double] {
        [box[0] * scale + offsetX, box[1] * scale + offsetY, box[2] * scale, box[3] * scale]
    }
}
