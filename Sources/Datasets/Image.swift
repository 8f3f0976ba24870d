/// A decoded raster: row-major, channels interleaved, no padding between rows.
///
/// Samples keep the precision of the file: 8 bits, or 16 bits for 16-bit PNGs, so that a 16-bit mask or medical
/// scan is not quantised on the way in. Use `rgb8()` or `floats()` to get the form a model or a drawing wants.
public struct Image: Sendable, Equatable {
    public enum Samples: Sendable, Equatable {
        case uint8([UInt8])
        case uint16([UInt16])
    }

    public let width: Int
    public let height: Int
    public let layout: ChannelLayout
    public let samples: Samples

    public init(width: Int, height: Int, layout: ChannelLayout, samples: Samples) {
        precondition(width >= 0 && height >= 0, "image dimensions must not be negative")
        precondition(samples.count == width * height * layout.channels,
                     "\(samples.count) samples do not fill a \(width)×\(height) \(layout) image")
        self.width = width
        self.height = height
        self.layout = layout
        self.samples = samples
    }

    /// An 8-bit image.
    public init(width: Int, height: Int, layout: ChannelLayout, pixels: [UInt8]) {
        self.init(width: width, height: height, layout: layout, samples: .uint8(pixels))
    }

    public var channels: Int { layout.channels }
    public var bitDepth: Int { samples.bitDepth }

    /// The sample of channel `channel` at column `x`, row `y`, as stored (0…255 or 0…65535).
    public func sample(x: Int, y: Int, channel: Int) -> Int {
        let index = (y * width + x) * channels + channel
        switch samples {
        case .uint8(let values): return Int(values[index])
        case .uint16(let values): return Int(values[index])
        }
    }
}

public enum ChannelLayout: Int, Sendable, CaseIterable, CustomStringConvertible {
    case gray = 1, grayAlpha = 2, rgb = 3, rgba = 4

    public var channels: Int { rawValue }
    public var hasAlpha: Bool { self == .grayAlpha || self == .rgba }
    public var description: String { ["gray", "gray+alpha", "RGB", "RGBA"][rawValue - 1] }
}

extension Image.Samples {
    public var count: Int {
        switch self {
        case .uint8(let values): values.count
        case .uint16(let values): values.count
        }
    }

    public var bitDepth: Int {
        switch self {
        case .uint8: 8
        case .uint16: 16
        }
    }
}
