/// Renders stacked primitives by 4 × 4 supersampling. Each sample remembers the top-most layer covering it, so
/// pixel colours, instance masks and semantic masks all come from the same exact counts and agree bit for bit.
struct LayeredRaster {
    static let samplesPerPixel = 16
    static let background: Int16 = -1

    let width: Int
    let height: Int
    private(set) var layers: [Primitive] = []
    /// Per pixel, 16 sample owners (layer index, or `background`).
    private var owners: [Int16]

    init(width: Int, height: Int) {
        self.width = width
        self.height = height
        owners = [Int16](repeating: Self.background, count: width * height * Self.samplesPerPixel)
    }

    /// Draws `primitive` over everything drawn so far; returns its layer index.
    @discardableResult
    mutating func draw(_ primitive: Primitive) -> Int {
        let layer = Int16(layers.count)
        layers.append(primitive)
        let reach = primitive.reach + 1
        let left = max(0, Int((primitive.centerX - reach).rounded(.down))), right = min(width - 1, Int(primitive.centerX + reach))
        let top = max(0, Int((primitive.centerY - reach).rounded(.down))), bottom = min(height - 1, Int(primitive.centerY + reach))
        guard left <= right, top <= bottom else { return Int(layer) }
        for y in top...bottom {
            for x in left...right {
                for sample in 0..<Self.samplesPerPixel {
                    let sampleX = Double(x) + (Double(sample % 4) + 0.5) / 4, sampleY = Double(y) + (Double(sample / 4) + 0.5) / 4
                    if primitive.contains(x: sampleX, y: sampleY) { owners[(y * width + x) * Self.samplesPerPixel + sample] = layer }
                }
            }
        }
        return Int(layer)
    }

    /// Per pixel, how many samples of `layer` remain visible (0…16), row-major.
    func visibleSamples(of layer: Int) -> [UInt8] {
        (0..<(width * height)).map { pixel in
            let start = pixel * Self.samplesPerPixel
            return UInt8(owners[start..<(start + Self.samplesPerPixel)].lazy.filter { $0 == Int16(layer) }.count)
        }
    }

    /// Per pixel, the label every sample agrees on (from `labelOfLayer`, `backgroundLabel` for uncovered samples),
    /// or `mixedLabel` where samples disagree, i.e. on anti-aliased edges.
    func labels(labelOfLayer: (Int) -> UInt8, backgroundLabel: UInt8, mixedLabel: UInt8) -> [UInt8] {
        (0..<(width * height)).map { pixel in
            let start = pixel * Self.samplesPerPixel
            let sampleLabels = owners[start..<(start + Self.samplesPerPixel)].map { $0 == Self.background ? backgroundLabel : labelOfLayer(Int($0)) }
            return sampleLabels.allSatisfy { $0 == sampleLabels[0] } ? sampleLabels[0] : mixedLabel
        }
    }

    /// Each pixel is the mean colour of its samples: the layer's colour, or the background's at the pixel centre.
    func render(background: Background) -> Image {
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        for y in 0..<height {
            for x in 0..<width {
                let behind = background.color(x: Double(x) + 0.5, y: Double(y) + 0.5)
                var sum = (red: 0.0, green: 0.0, blue: 0.0)
                let start = (y * width + x) * Self.samplesPerPixel
                for owner in owners[start..<(start + Self.samplesPerPixel)] {
                    let color = owner == Self.background ? behind : layers[Int(owner)].color
                    sum = (sum.red + color.red, sum.green + color.green, sum.blue + color.blue)
                }
                let index = (y * width + x) * 3
                pixels[index] = Self.quantize(sum.red / 16)
                pixels[index + 1] = Self.quantize(sum.green / 16)
                pixels[index + 2] = Self.quantize(sum.blue / 16)
            }
        }
        return Image(width: width, height: height, layout: .rgb, pixels: pixels)
    }

    private static func quantize(_ value: Double) -> UInt8 { UInt8(min(max(value.rounded(), 0), 255)) }
}

/// A flat colour with a linear gradient: `base` at the image centre, changing by `slope` per pixel along x and y.
struct Background: Sendable {
    var base: RGBColor
    var slopeX: Double
    var slopeY: Double
    var centerX: Double
    var centerY: Double

    func color(x: Double, y: Double) -> RGBColor {
        let shift = slopeX * (x - centerX) + slopeY * (y - centerY)
        return RGBColor(red: base.red + shift, green: base.green + shift, blue: base.blue + shift)
    }
}
