/// An image with the annotations that must move with its pixels.
public struct AnnotatedSample: Sendable, Equatable {
    public var image: PlanarImage
    /// Boxes in pixels of `image`.
    public var boxes: [LabeledBox]
    /// Class indices, the same size as `image`; 255 = ignore.
    public var mask: SegmentationMask?
    /// Empty, or one mask per box (same order, same size as `image`): a box and its mask are kept or dropped together.
    public var instanceMasks: [InstanceMask]

    public init(image: PlanarImage, boxes: [LabeledBox] = [], mask: SegmentationMask? = nil, instanceMasks: [InstanceMask] = []) {
        if let mask { precondition(mask.width == image.width && mask.height == image.height, "mask and image sizes differ") }
        precondition(instanceMasks.isEmpty || instanceMasks.count == boxes.count, "one instance mask per box, or none")
        precondition(instanceMasks.allSatisfy { $0.width == image.width && $0.height == image.height },
                     "instance mask and image sizes differ")
        self.image = image
        self.boxes = boxes
        self.mask = mask
        self.instanceMasks = instanceMasks
    }

    /// The sample after a geometric step: `boxes` holds each old box moved, or nil where it left the image; the
    /// instance masks of the dropped boxes go with them.
    init(image: PlanarImage, movedBoxes boxes: [LabeledBox?], mask: SegmentationMask?, movedInstanceMasks masks: [InstanceMask]) {
        let kept = boxes.indices.filter { boxes[$0] != nil }
        self.init(image: image, boxes: kept.map { boxes[$0]! }, mask: mask,
                  instanceMasks: masks.isEmpty ? [] : kept.map { masks[$0] })
    }
}

/// Moves the pixel-aligned annotations (class mask, instance masks) into a `width` × `height` frame by nearest
/// neighbour, so class indices are never blended: `source(x, y)` is where target pixel (x, y)'s centre comes from.
/// Outside the source image the class mask reads ignore and an instance mask reads background.
enum NearestRemap {
    static func annotations(of sample: AnnotatedSample, width: Int, height: Int,
                            source: (Int, Int) -> (x: Double, y: Double)) -> (mask: SegmentationMask?, instances: [InstanceMask]) {
        guard sample.mask != nil || !sample.instanceMasks.isEmpty else { return (nil, []) }
        var labels = [UInt8](repeating: SegmentationMask.ignoreIndex, count: sample.mask == nil ? 0 : width * height)
        var instances = [[Bool]](repeating: [Bool](repeating: false, count: width * height), count: sample.instanceMasks.count)
        let sourceWidth = sample.image.width, sourceHeight = sample.image.height
        for y in 0..<height {
            for x in 0..<width {
                let point = source(x, y)
                let sourceX = Int(point.x.rounded(.down)), sourceY = Int(point.y.rounded(.down))
                guard sourceX >= 0, sourceY >= 0, sourceX < sourceWidth, sourceY < sourceHeight else { continue }
                if let mask = sample.mask { labels[y * width + x] = mask.label(x: sourceX, y: sourceY) }
                for (index, instance) in sample.instanceMasks.enumerated() where instance.contains(x: sourceX, y: sourceY) {
                    instances[index][y * width + x] = true
                }
            }
        }
        return (sample.mask == nil ? nil : SegmentationMask(width: width, height: height, labels: labels),
                instances.map { InstanceMask(width: width, height: height, pixels: $0) })
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
