/// Guards against decompression bombs: a few hundred bytes of PNG or JPEG can declare a gigapixel image.
/// Dimensions are checked from the header, before any pixel buffer is allocated.
public struct ImageLimits: Sendable, Equatable {
    /// Largest accepted width × height.
    public var maxPixels: Int

    public init(maxPixels: Int) { self.maxPixels = maxPixels }

    /// 100 megapixels: above any photo or scan Fovea is meant for, far below what would exhaust memory.
    public static let `default` = ImageLimits(maxPixels: 100_000_000)

    func check(width: Int, height: Int, file: String) throws(ImageCodecError) {
        let (pixels, overflow) = width.multipliedReportingOverflow(by: height)
        guard overflow || pixels > maxPixels else { return }
        throw ImageCodecError(file: file, problem: "declares \(width)×\(height) pixels, more than the limit of "
                              + "\(maxPixels) (ImageLimits.maxPixels); refusing to decode")
    }
}
