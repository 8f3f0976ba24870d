/// Pixels as planar floats (channel-major, CHW), the form transforms compute in and a tensor is made from.
/// Values are in [0, 1] after conversion from `Image`; transforms may leave that range (normalisation does).
public struct PlanarImage: Sendable, Equatable {
    public let width: Int
    public let height: Int
    public let channels: Int
    public var values: [Float]

    public init(width: Int, height: Int, channels: Int, values: [Float]) {
        precondition(values.count == width * height * channels, "\(values.count) values do not fill \(channels)×\(height)×\(width)")
        self.width = width
        self.height = height
        self.channels = channels
        self.values = values
    }

    public init(width: Int, height: Int, channels: Int, filling value: Float = 0) {
        self.init(width: width, height: height, channels: channels, values: [Float](repeating: value, count: width * height * channels))
    }

    /// Every sample scaled to [0, 1], de-interleaved.
    public init(_ image: Image) {
        let interleaved = image.floats()
        let planeSize = image.width * image.height, channels = image.channels
        var values = [Float](repeating: 0, count: interleaved.count)
        for pixel in 0..<planeSize {
            for channel in 0..<channels { values[channel * planeSize + pixel] = interleaved[pixel * channels + channel] }
        }
        self.init(width: image.width, height: image.height, channels: channels, values: values)
    }

    public subscript(channel: Int, y: Int, x: Int) -> Float {
        get { values[(channel * height + y) * width + x] }
        set { values[(channel * height + y) * width + x] = newValue }
    }

    /// Back to 8-bit interleaved (clamped, rounded), for writing and viewing; 1–4 channels.
    public func image() -> Image {
        guard let layout = ChannelLayout(rawValue: channels) else { preconditionFailure("\(channels) channels have no PNG layout") }
        let planeSize = width * height
        var pixels = [UInt8](repeating: 0, count: values.count)
        for pixel in 0..<planeSize {
            for channel in 0..<channels {
                pixels[pixel * channels + channel] = UInt8(min(max(values[channel * planeSize + pixel] * 255, 0), 255).rounded())
            }
        }
        return Image(width: width, height: height, layout: layout, pixels: pixels)
    }
}
