/// One object's pixels: a binary mask over the whole image, row-major. What pycocotools' `annToMask` returns, in
/// the orientation the rest of Fovea uses.
public struct InstanceMask: Sendable, Equatable {
    public let width: Int
    public let height: Int
    /// Row-major, true inside the object.
    public let pixels: [Bool]

    public init(width: Int, height: Int, pixels: [Bool]) {
        precondition(pixels.count == width * height, "\(pixels.count) pixels do not fill a \(width)×\(height) mask")
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    public func contains(x: Int, y: Int) -> Bool { pixels[y * width + x] }

    /// Pixels inside the object.
    public var area: Int { pixels.reduce(0) { $0 + ($1 ? 1 : 0) } }

    /// COCO run lengths (column-major, background first) as a mask.
    init(columnMajorRuns counts: [Int], width: Int, height: Int) {
        var pixels = [Bool](repeating: false, count: width * height)
        var position = 0
        for (run, length) in counts.enumerated() {
            if run % 2 == 1 {
                for offset in position..<(position + length) { pixels[(offset % height) * width + offset / height] = true }
            }
            position += length
        }
        self.init(width: width, height: height, pixels: pixels)
    }

    /// The union of masks of one size.
    static func union(_ masks: [InstanceMask], width: Int, height: Int) -> InstanceMask {
        var pixels = [Bool](repeating: false, count: width * height)
        for mask in masks {
            for index in pixels.indices where mask.pixels[index] { pixels[index] = true }
        }
        return InstanceMask(width: width, height: height, pixels: pixels)
    }
}
