import Foundation

/// How a detection's box sits against its ground truth's box, in the ground truth's own units:
/// centre offset as a fraction of its width/height, scale and aspect errors as natural logs of ratios
/// (0 = perfect, +0.69 = twice as large / twice as wide relative to height).
public struct LocalizationDrift: Sendable, Equatable {
    public var centerX: Double
    public var centerY: Double
    public var scale: Double
    public var aspect: Double

    /// nil when either box is empty (no meaningful ratio).
    public init?(detection d: BoundingBox, groundTruth g: BoundingBox) {
        guard d.width > 0, d.height > 0, g.width > 0, g.height > 0 else { return nil }
        centerX = ((d.x + d.width / 2) - (g.x + g.width / 2)) / g.width
        centerY = ((d.y + d.height / 2) - (g.y + g.height / 2)) / g.height
        scale = log((d.width * d.height).squareRoot() / (g.width * g.height).squareRoot())
        aspect = log((d.width / d.height) / (g.width / g.height))
    }
}
