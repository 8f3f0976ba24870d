import CPNG

/// PNG writing through libpng's simplified API, which reports failure in `png_image.message` instead of longjmp.
enum PNGEncoder {
    static func encode(_ image: Image, file: String) throws(ImageCodecError) -> [UInt8] {
        guard case .uint8(let pixels) = image.samples else {
            // The simplified API treats 16-bit data as linear light and would rewrite it; keep values exact instead.
            throw ImageCodecError(file: file, problem: "PNG writing takes 8-bit samples; convert with eightBitSamples() first")
        }
        guard image.width > 0, image.height > 0 else {
            throw ImageCodecError(file: file, problem: "PNG: cannot write an empty \(image.width)×\(image.height) image")
        }
        var header = png_image()
        header.version = png_uint_32(PNG_IMAGE_VERSION)
        header.width = png_uint_32(image.width)
        header.height = png_uint_32(image.height)
        header.format = formatFlags(image.layout)

        var size: png_alloc_size_t = 0
        var encoded: [UInt8] = []
        let written = pixels.withUnsafeBytes { source -> Bool in
            // The first call measures, the second writes.
            guard png_image_write_to_memory(&header, nil, &size, 0, source.baseAddress, 0, nil) != 0 else { return false }
            encoded = [UInt8](repeating: 0, count: Int(size))
            return encoded.withUnsafeMutableBytes {
                png_image_write_to_memory(&header, $0.baseAddress, &size, 0, source.baseAddress, 0, nil) != 0
            }
        }
        guard written else {
            let message = withUnsafeBytes(of: header.message) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            png_image_free(&header)
            throw ImageCodecError(file: file, problem: "PNG: " + message)
        }
        return Array(encoded.prefix(Int(size)))
    }

    /// PNG_FORMAT_GRAY / _GA / _RGB / _RGBA, spelled out because Swift does not import compound macros.
    private static func formatFlags(_ layout: ChannelLayout) -> png_uint_32 {
        let alpha = png_uint_32(PNG_FORMAT_FLAG_ALPHA), color = png_uint_32(PNG_FORMAT_FLAG_COLOR)
        switch layout {
        case .gray: return 0
        case .grayAlpha: return alpha
        case .rgb: return color
        case .rgba: return color | alpha
        }
    }
}
