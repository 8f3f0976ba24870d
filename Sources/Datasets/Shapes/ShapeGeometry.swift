import Foundation

/// The object classes of the synthetic shapes fixtures, in id order. Squares and rectangles, circles and ellipses
/// are deliberate look-alike pairs: a near-square rectangle is the hard case a confusion matrix should show.
public enum ShapeClass: String, CaseIterable, Sendable, Codable {
    case square, rectangle, circle, ellipse, triangle
}

/// A filled primitive in image coordinates (pixel (i, j) covers [i, i+1) × [j, j+1)), rotated about its centre.
struct Primitive: Sendable {
    enum Outline: Sendable { case box, disc, triangle }

    var outline: Outline
    var centerX: Double
    var centerY: Double
    /// Half extents along the primitive's own axes before rotation.
    var halfWidth: Double
    var halfHeight: Double
    var angle: Double
    var color: RGBColor

    /// Radius of the circle around the centre that holds the whole primitive.
    var reach: Double { (halfWidth * halfWidth + halfHeight * halfHeight).squareRoot() }

    func contains(x: Double, y: Double) -> Bool {
        let (u, v) = local(x: x, y: y)
        switch outline {
        case .box:
            return abs(u) <= halfWidth && abs(v) <= halfHeight
        case .disc:
            return (u / halfWidth) * (u / halfWidth) + (v / halfHeight) * (v / halfHeight) <= 1
        case .triangle:  // apex at the top (−v), base at +v
            return v <= halfHeight && abs(u) <= halfWidth * (v + halfHeight) / (2 * halfHeight)
        }
    }

    /// The outline as a closed polygon (first point not repeated), discs as 32-gons, in image coordinates.
    func polygon() -> [(x: Double, y: Double)] {
        let corners: [(Double, Double)]
        switch outline {
        case .box:
            corners = [(-halfWidth, -halfHeight), (halfWidth, -halfHeight), (halfWidth, halfHeight), (-halfWidth, halfHeight)]
        case .triangle:
            corners = [(0, -halfHeight), (halfWidth, halfHeight), (-halfWidth, halfHeight)]
        case .disc:
            corners = (0..<32).map { step in
                let t = Double(step) * 2 * Double.pi / 32
                return (halfWidth * cos(t), halfHeight * sin(t))
            }
        }
        return corners.map(world)
    }

    private func local(x: Double, y: Double) -> (Double, Double) {
        let dx = x - centerX, dy = y - centerY
        let c = cos(angle), s = sin(angle)
        return (dx * c + dy * s, -dx * s + dy * c)
    }

    private func world(_ point: (Double, Double)) -> (x: Double, y: Double) {
        let c = cos(angle), s = sin(angle)
        return (centerX + point.0 * c - point.1 * s, centerY + point.0 * s + point.1 * c)
    }
}

struct RGBColor: Sendable {
    var red: Double
    var green: Double
    var blue: Double

    func distance(to other: RGBColor) -> Double {
        let r = red - other.red, g = green - other.green, b = blue - other.blue
        return (r * r + g * g + b * b).squareRoot()
    }
}
