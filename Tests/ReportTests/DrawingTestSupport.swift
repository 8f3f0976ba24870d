import Datasets
@testable import Report

/// Small known images and pixel helpers for the drawing tests.
enum DrawingFixtures {
    /// An 8-bit RGB image whose every pixel is `color`.
    static func solid(width: Int, height: Int, _ color: (UInt8, UInt8, UInt8)) -> Image {
        Image(width: width, height: height, layout: .rgb,
              pixels: (0..<(width * height)).flatMap { _ in [color.0, color.1, color.2] })
    }

    /// An RGB gradient with distinct values in each channel, so a swapped channel shows.
    static func gradient(width: Int, height: Int) -> Image {
        var pixels: [UInt8] = []
        for y in 0..<height {
            for x in 0..<width {
                pixels += [UInt8(x * 255 / max(width - 1, 1)), UInt8(y * 255 / max(height - 1, 1)), UInt8((x + y) * 7 % 256)]
            }
        }
        return Image(width: width, height: height, layout: .rgb, pixels: pixels)
    }

    /// A horizontal ramp from 0 to 1.
    static func ramp(width: Int, height: Int) -> [Float] {
        (0..<(width * height)).map { Float($0 % width) / Float(width - 1) }
    }
}

func rgb(_ pixel: (r: UInt8, g: UInt8, b: UInt8, a: UInt8)) -> [UInt8] { [pixel.r, pixel.g, pixel.b] }

func rgb(_ color: RGBColor) -> [UInt8] { let b = color.bytes; return [b.r, b.g, b.b] }

extension Canvas {
    /// Device pixels that are not the background white.
    func inkedPixels() -> Int {
        var count = 0
        for y in 0..<pixelHeight { for x in 0..<pixelWidth where rgb(pixel(x: x, y: y)) != [255, 255, 255] { count += 1 } }
        return count
    }

    /// How many device pixels are `color` (give or take 1 per channel: Cairo holds colours in 16 bits and
    /// truncates to 8, so a fill can land one below `RGBColor.bytes`' rounding).
    func count(of color: RGBColor) -> Int {
        let target = rgb(color)
        var count = 0
        for y in 0..<pixelHeight {
            for x in 0..<pixelWidth where zip(rgb(pixel(x: x, y: y)), target).allSatisfy({ abs(Int($0) - Int($1)) <= 1 }) { count += 1 }
        }
        return count
    }
}
