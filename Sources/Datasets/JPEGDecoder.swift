import CJPEG

/// JPEG decoding through libjpeg-turbo with its default settings (accurate integer IDCT, fancy upsampling),
/// which is what Pillow and torchvision use, so decoded pixels match theirs.
enum JPEGDecoder {
    static func decode(_ bytes: UnsafeRawBufferPointer, file: String, limits: ImageLimits) throws(ImageCodecError) -> Image {
        let decoder = try header(bytes, file: file)
        defer { release(decoder) }
        let width = Int(decoder.pointee.cinfo.image_width), height = Int(decoder.pointee.cinfo.image_height)
        try limits.check(width: width, height: height, file: file)

        let source = decoder.pointee.cinfo.jpeg_color_space
        let isCMYK = source == JCS_CMYK || source == JCS_YCCK
        let output = source == JCS_GRAYSCALE ? JCS_GRAYSCALE : isCMYK ? JCS_CMYK : JCS_RGB
        guard fovea_jpeg_start(decoder, output) == 0 else { throw failure(decoder, file) }
        let channels = Int(decoder.pointee.cinfo.output_components)

        var pixels = [UInt8](repeating: 0, count: width * height * channels)
        let status = pixels.withUnsafeMutableBufferPointer { fovea_jpeg_read_pixels(decoder, $0.baseAddress, width * channels) }
        guard status == 0 else { throw failure(decoder, file) }

        if isCMYK {
            let inverted = decoder.pointee.cinfo.saw_Adobe_marker != 0
            return Image(width: width, height: height, layout: .rgb, pixels: rgb(fromCMYK: pixels, adobeInverted: inverted))
        }
        return Image(width: width, height: height, layout: channels == 1 ? .gray : .rgb, pixels: pixels)
    }

    /// Width and height from the header, no pixel decoded.
    static func size(_ bytes: UnsafeRawBufferPointer, file: String) throws(ImageCodecError) -> (width: Int, height: Int) {
        let decoder = try header(bytes, file: file)
        defer { release(decoder) }
        return (Int(decoder.pointee.cinfo.image_width), Int(decoder.pointee.cinfo.image_height))
    }

    /// A decoder that has read the header; the caller releases it.
    private static func header(_ bytes: UnsafeRawBufferPointer, file: String) throws(ImageCodecError) -> UnsafeMutablePointer<fovea_jpeg_decoder> {
        // Heap-allocated: libjpeg keeps pointers into it (the error manager) and the jmp_buf must not move.
        let decoder = UnsafeMutablePointer<fovea_jpeg_decoder>.allocate(capacity: 1)
        decoder.initialize(to: fovea_jpeg_decoder())
        guard fovea_jpeg_read_header(decoder, bytes.baseAddress?.assumingMemoryBound(to: UInt8.self), UInt(bytes.count)) == 0 else {
            let error = failure(decoder, file)
            release(decoder)
            throw error
        }
        return decoder
    }

    private static func release(_ decoder: UnsafeMutablePointer<fovea_jpeg_decoder>) {
        fovea_jpeg_destroy(decoder)
        decoder.deallocate()
    }

    /// Naive CMYK → RGB as Pillow's `convert("RGB")` (no colour management): R = (1 − C)(1 − K).
    /// Adobe writers, Photoshop and Pillow among them, store the inks inverted.
    static func rgb(fromCMYK cmyk: [UInt8], adobeInverted: Bool) -> [UInt8] {
        var rgb = [UInt8](repeating: 0, count: cmyk.count / 4 * 3)
        for pixel in 0..<(cmyk.count / 4) {
            let ink = { (i: Int) -> Int in adobeInverted ? 255 - Int(cmyk[pixel * 4 + i]) : Int(cmyk[pixel * 4 + i]) }
            let keep = 255 - ink(3)
            for channel in 0..<3 {
                rgb[pixel * 3 + channel] = UInt8(keep - divideBy255(ink(channel) * keep))
            }
        }
        return rgb
    }

    /// Exact rounding of x / 255 for 0 ≤ x ≤ 255², as Pillow's MULDIV255.
    private static func divideBy255(_ x: Int) -> Int { (x + 128 + ((x + 128) >> 8)) >> 8 }

    private static func failure(_ decoder: UnsafeMutablePointer<fovea_jpeg_decoder>, _ file: String) -> ImageCodecError {
        let message = withUnsafeBytes(of: decoder.pointee.message) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        return ImageCodecError(file: file, problem: "JPEG: " + message)
    }
}
