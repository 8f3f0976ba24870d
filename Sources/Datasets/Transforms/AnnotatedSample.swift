/// An image with the annotations that must move with its pixels.
public struct AnnotatedSample: Sendable, Equatable {
    public var image: PlanarImage
    /// Boxes in pixels of `image`.
    public var boxes: [LabeledBox]
    /// Class indices, the same size as `image`; 255 = ignore.
    public var mask: SegmentationMask?

    public init(image: PlanarImage, boxes: [LabeledBox] = [], mask: SegmentationMask? = nil) {
        if let mask { precondition(mask.width == image.width && mask.height == image.height, "mask and image sizes differ") }
        self.image = image
        self.boxes = boxes
        self.mask = mask
    }
}

/// An axis-aligned box in pixels (`x`, `y` the top-left corner, as COCO's bbox) and its class.
public struct LabeledBox: Sendable, Equatable, Codable {
    public var x: Double
    public var y: Double
    public var width: Double
    public var height: Double
    public var label: Int

    public init(x: Double, y: Double, width: Double, height: Double, label: Int) {
        self.x = x
        self.y = y
        self.width = width
        self.height = height
        self.label = label
    }

    var area: Double { max(width, 0) * max(height, 0) }

    /// The box cut to the `width` × `height` image, or nil when less than `minVisible` of its area (or less than
    /// one pixel across) remains: an object that left the image is dropped, not kept as a sliver.
    func clipped(width: Int, height: Int, minVisible: Double) -> LabeledBox? {
        let left = max(x, 0), top = max(y, 0), right = min(x + self.width, Double(width)), bottom = min(y + self.height, Double(height))
        let kept = LabeledBox(x: left, y: top, width: right - left, height: bottom - top, label: label)
        guard kept.width >= 1, kept.height >= 1, kept.area >= minVisible * area else { return nil }
        return kept
    }
}
