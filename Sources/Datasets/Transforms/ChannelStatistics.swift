import Foundation

/// Per-channel mean and standard deviation of a dataset's pixels (in [0, 1] units), to normalise with instead
/// of ImageNet's constants when the data look nothing like ImageNet (scans, documents, satellite bands).
public struct ChannelStatistics: Sendable, Equatable, Codable {
    public var mean: [Double]
    public var std: [Double]

    /// ImageNet's, for comparison and for models pretrained on it.
    public static let imageNet = ChannelStatistics(mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225])

    public init(mean: [Double], std: [Double]) {
        self.mean = mean
        self.std = std
    }

    /// Over every pixel of every image, converted to RGB (`rgb: true`) or kept as stored; all images must then
    /// have the same channel count. Sums are accumulated in Double per image, so the order of files does not
    /// matter beyond rounding.
    public static func compute(paths: [String], rgb: Bool = true, limits: ImageLimits = .default) throws(ImageCodecError) -> ChannelStatistics {
        var sums: [Double] = [], squares: [Double] = [], count = 0
        for path in paths {
            var image = try ImageCodecs.read(path: path, limits: limits)
            if rgb { image = image.rgb8() }
            let planar = PlanarImage(image)
            if sums.isEmpty {
                sums = [Double](repeating: 0, count: planar.channels)
                squares = sums
            }
            guard planar.channels == sums.count else {
                throw ImageCodecError(file: path, problem: "has \(planar.channels) channels, earlier images \(sums.count)")
            }
            let plane = planar.width * planar.height
            for channel in 0..<planar.channels {
                for value in planar.values[(channel * plane)..<((channel + 1) * plane)] {
                    sums[channel] += Double(value)
                    squares[channel] += Double(value) * Double(value)
                }
            }
            count += plane
        }
        guard count > 0 else { return ChannelStatistics(mean: [], std: []) }
        let mean = sums.map { $0 / Double(count) }
        let std = zip(squares, mean).map { max(0, $0.0 / Double(count) - $0.1 * $0.1).squareRoot() }
        return ChannelStatistics(mean: mean, std: std)
    }

    /// (x − mean) / std per channel.
    public func normalize(_ image: PlanarImage) -> PlanarImage {
        precondition(image.channels == mean.count, "statistics have \(mean.count) channels, the image \(image.channels)")
        var out = image
        let plane = image.width * image.height
        for channel in 0..<image.channels {
            let m = Float(mean[channel]), s = Float(std[channel] > 0 ? std[channel] : 1)
            for index in (channel * plane)..<((channel + 1) * plane) { out.values[index] = (image.values[index] - m) / s }
        }
        return out
    }
}
