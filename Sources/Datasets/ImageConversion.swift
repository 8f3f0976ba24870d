/// Conversions to the forms models and drawings consume.
extension Image {
    /// 8-bit RGB: gray is replicated, alpha is dropped (not composited, as Pillow's `convert("RGB")`), and 16-bit
    /// samples are rounded to the nearest 8-bit value (v / 257, not Pillow's truncation to the high byte).
    public func rgb8() -> Image {
        let pixelCount = width * height
        let source = eightBitSamples()
        var out = [UInt8](repeating: 0, count: pixelCount * 3)
        let stride = channels
        let isColor = layout == .rgb || layout == .rgba
        for pixel in 0..<pixelCount {
            let base = pixel * stride
            if isColor {
                out[pixel * 3] = source[base]
                out[pixel * 3 + 1] = source[base + 1]
                out[pixel * 3 + 2] = source[base + 2]
            } else {
                let gray = source[base]
                out[pixel * 3] = gray
                out[pixel * 3 + 1] = gray
                out[pixel * 3 + 2] = gray
            }
        }
        return Image(width: width, height: height, layout: .rgb, pixels: out)
    }

    /// Every sample scaled to [0, 1] (divided by 255 or 65535), in the image's own layout, interleaved.
    public func floats() -> [Float] {
        switch samples {
        case .uint8(let values): return values.map { Float($0) / 255 }
        case .uint16(let values): return values.map { Float($0) / 65535 }
        }
    }

    /// The samples at 8 bits, rounding 16-bit values to nearest.
    public func eightBitSamples() -> [UInt8] {
        switch samples {
        case .uint8(let values): return values
        case .uint16(let values): return values.map { UInt8((UInt32($0) + 128) / 257) }
        }
    }
}
