import Foundation

/// What makes a fixture case hard, one per error type the workbench must surface.
public enum Difficulty: String, CaseIterable, Sendable, Codable {
    /// Few pixels across (COCO "small" and below).
    case small
    /// A rectangle or ellipse with an aspect ratio close to 1: almost a square or a circle.
    case lookalike
    /// Less than 85 % of the object's area is visible.
    case occluded
    /// The object differs from the background by only 10–16 grey levels.
    case lowContrast = "low_contrast"
    /// Lines, dots and crosses that belong to no class fill the background.
    case clutter
}

/// One object to annotate, in drawing order.
struct SceneObject {
    var shapeClass: ShapeClass
    var primitive: Primitive
    var tags: Set<Difficulty>
}

/// A scene before rendering: background, then clutter, objects and occluders, each drawn over the previous.
struct Scene {
    var width: Int
    var height: Int
    var background: Background
    var clutter: [Primitive] = []
    var objects: [SceneObject] = []
    var occluders: [Primitive] = []
}

/// Draws random scenes from a seed. Every choice goes through `random`, in a fixed order, so a seed fixes the scene.
struct ShapesSceneSampler {
    var random: SeededGenerator
    let width: Int
    let height: Int

    /// Object half-sizes in pixels; a small object is 6–10 pixels across. The normal range is narrow enough that
    /// a plain rectangle's or ellipse's short side (aspect ≥ 1.8) is thinner than any plain square or circle, so a
    /// CNN of modest receptive field can tell the look-alike pairs apart when they are not made hard.
    private var normalHalfSize: ClosedRange<Double> { width <= 64 ? 12...18 : 16...26 }
    private let smallHalfSize: ClosedRange<Double> = 3...5

    /// One object of `shapeClass`, roughly centred, plain or made hard in the one given way.
    mutating func classificationScene(of shapeClass: ShapeClass, difficulty: Difficulty?) -> Scene {
        var scene = Scene(width: width, height: height, background: makeBackground())
        var wanted: Set<Difficulty> = difficulty.map { [$0] } ?? []
        if wanted.contains(.clutter) { scene.clutter = makeClutter(scene.background) }
        let halfSize = draw(wanted.contains(.small) ? smallHalfSize : normalHalfSize)
        let margin = halfSize * 1.5 + 1
        let center = (draw(margin...(Double(width) - margin)), draw(margin...(Double(height) - margin)))
        let object = makeObject(shapeClass, halfSize: halfSize, center: center, wanted: &wanted, background: scene.background)
        scene.objects = [object]
        if wanted.contains(.occluded) { scene.occluders = [makeOccluder(over: object.primitive, background: scene.background)] }
        return scene
    }

    /// One to three objects that do not touch, plain or with the one given difficulty: look-alike, small and low
    /// contrast go to the first object, occlusion adds an annotated object partly over it, clutter fills the image.
    mutating func detectionScene(difficulty: Difficulty?) -> Scene {
        var scene = Scene(width: width, height: height, background: makeBackground())
        let wanted: Set<Difficulty> = difficulty.map { [$0] } ?? []
        if wanted.contains(.clutter) { scene.clutter = makeClutter(scene.background) }
        let count = 1 + random.below(3)
        for index in 0..<count {
            var objectWanted = index == 0 ? wanted.intersection([.small, .lookalike, .lowContrast]) : []
            let halfSize = draw(objectWanted.contains(.small) ? smallHalfSize : normalHalfSize)
            guard let center = freeSpot(reach: halfSize * 1.5, avoiding: scene.objects.map(\.primitive)) else { continue }
            // A look-alike needs a class that has one.
            let candidates: [ShapeClass] = objectWanted.contains(.lookalike) ? [.rectangle, .ellipse] : ShapeClass.allCases
            let shapeClass = candidates[random.below(candidates.count)]
            scene.objects.append(makeObject(shapeClass, halfSize: halfSize, center: center, wanted: &objectWanted,
                                            background: scene.background))
        }
        if wanted.contains(.occluded), let target = scene.objects.first?.primitive {
            // A second annotated object partly over the first: the overlap detectors and segmenters find hard.
            let halfSize = max(target.halfWidth, target.halfHeight) * draw(0.7...1.1)
            let direction = draw(0...(2 * Double.pi)), distance = target.reach * draw(0.4...0.7)
            let center = (clampInside(target.centerX + cos(direction) * distance, halfSize * 1.5, width),
                          clampInside(target.centerY + sin(direction) * distance, halfSize * 1.5, height))
            let shapeClass = ShapeClass.allCases[random.below(ShapeClass.allCases.count)]
            var none: Set<Difficulty> = []
            scene.objects.append(makeObject(shapeClass, halfSize: halfSize, center: center, wanted: &none,
                                            background: scene.background))
        }
        return scene
    }

    private mutating func makeBackground() -> Background {
        let level = draw(50...200)
        let base = RGBColor(red: level + draw(-20...20), green: level + draw(-20...20), blue: level + draw(-20...20))
        let steepest = 40 / Double(max(width, height))  // at most ±40 grey levels across the image
        return Background(base: base, slopeX: draw(-steepest...steepest), slopeY: draw(-steepest...steepest),
                          centerX: Double(width) / 2, centerY: Double(height) / 2)
    }

    /// Removes from `wanted` what does not apply (look-alike needs a rectangle or ellipse), keeps what was made.
    private mutating func makeObject(_ shapeClass: ShapeClass, halfSize: Double, center: (Double, Double),
                                     wanted: inout Set<Difficulty>, background: Background) -> SceneObject {
        let nearSquare = wanted.contains(.lookalike)
        let aspect = nearSquare ? draw(1.1...1.25) : draw(1.8...2.4)
        var halfWidth = halfSize, halfHeight = halfSize
        var outline = Primitive.Outline.box
        switch shapeClass {
        case .square: break
        case .rectangle: halfHeight = halfSize / aspect
        case .circle: outline = .disc
        case .ellipse: outline = .disc; halfHeight = halfSize / aspect
        case .triangle: outline = .triangle; halfHeight = halfSize * draw(0.8...1.0)
        }
        if shapeClass != .rectangle && shapeClass != .ellipse { wanted.remove(.lookalike) }
        let behind = background.color(x: center.0, y: center.1)
        let color = wanted.contains(.lowContrast) ? lowContrastColor(near: behind) : distinctColor(from: behind, atLeast: 90)
        let primitive = Primitive(outline: outline, centerX: center.0, centerY: center.1, halfWidth: halfWidth,
                                  halfHeight: halfHeight, angle: draw(0...Double.pi), color: color)
        var tags = wanted.intersection([.small, .lookalike, .lowContrast])
        if halfSize <= smallHalfSize.upperBound { tags.insert(.small) }
        return SceneObject(shapeClass: shapeClass, primitive: primitive, tags: tags)
    }

    /// A bar across part of the object, in front of it.
    private mutating func makeOccluder(over target: Primitive, background: Background) -> Primitive {
        let direction = draw(0...(2 * Double.pi)), distance = target.reach * draw(0.35...0.6)
        return Primitive(outline: .box, centerX: target.centerX + cos(direction) * distance,
                         centerY: target.centerY + sin(direction) * distance, halfWidth: target.reach * 1.6,
                         halfHeight: max(1.5, target.reach * draw(0.3...0.45)), angle: draw(0...Double.pi),
                         color: distinctColor(from: background.color(x: target.centerX, y: target.centerY), atLeast: 60))
    }

    /// 10–18 lines, dots and crosses anywhere.
    private mutating func makeClutter(_ background: Background) -> [Primitive] {
        var clutter: [Primitive] = []
        for _ in 0..<(10 + random.below(9)) {
            let x = draw(0...Double(width)), y = draw(0...Double(height))
            let color = distinctColor(from: background.color(x: x, y: y), atLeast: 40)
            switch random.below(3) {
            case 0:
                clutter.append(Primitive(outline: .box, centerX: x, centerY: y, halfWidth: draw(5...18),
                                         halfHeight: draw(0.5...0.8), angle: draw(0...Double.pi), color: color))
            case 1:
                let radius = draw(0.8...2)
                clutter.append(Primitive(outline: .disc, centerX: x, centerY: y, halfWidth: radius, halfHeight: radius,
                                         angle: 0, color: color))
            default:
                let arm = draw(2...4), angle = draw(0...Double.pi)
                for turn in [0, Double.pi / 2] {
                    clutter.append(Primitive(outline: .box, centerX: x, centerY: y, halfWidth: arm, halfHeight: 0.6,
                                             angle: angle + turn, color: color))
                }
            }
        }
        return clutter
    }

    /// A centre at least `reach` from the borders and from every placed object's reach, or nil after 50 tries.
    private mutating func freeSpot(reach: Double, avoiding placed: [Primitive]) -> (Double, Double)? {
        for _ in 0..<50 {
            let x = draw(reach...(Double(width) - reach)), y = draw(reach...(Double(height) - reach))
            let clear = placed.allSatisfy { other in
                let dx = other.centerX - x, dy = other.centerY - y
                return (dx * dx + dy * dy).squareRoot() > other.reach * 1.2 + reach
            }
            if clear { return (x, y) }
        }
        return nil
    }

    private mutating func distinctColor(from behind: RGBColor, atLeast distance: Double) -> RGBColor {
        while true {
            let color = RGBColor(red: draw(0...255), green: draw(0...255), blue: draw(0...255))
            if color.distance(to: behind) >= distance { return color }
        }
    }

    private mutating func lowContrastColor(near behind: RGBColor) -> RGBColor {
        let brightness = (behind.red + behind.green + behind.blue) / 3
        let shift = draw(10...16) * (brightness > 128 ? -1 : 1)
        return RGBColor(red: behind.red + shift, green: behind.green + shift, blue: behind.blue + shift)
    }

    private func clampInside(_ value: Double, _ margin: Double, _ size: Int) -> Double {
        min(max(value, margin), Double(size) - margin)
    }

    private mutating func draw(_ range: ClosedRange<Double>) -> Double {
        random.uniform(range.lowerBound, range.upperBound)
    }
}
