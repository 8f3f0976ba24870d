import CPNG

/// PNG decoding through libpng. Every colour type and bit depth (1–16), palettes and interlacing are handled by
/// libpng itself; see `fovea_png_configure` in the CPNG shim for the sample layout asked of it.
enum PNGDecoder {
    static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    /// `asIndices` keeps palette indices and low-depth gray values unscaled (for class-index masks).
    static func decode(_ bytes: UnsafeRawBufferPointer, file: String, limits: ImageLimits,
                       asIndices: Bool = false) throws(ImageCodecError) -> Image {
        let decoder = try header(bytes, file: file)
        defer { release(decoder) }
        let png = decoder.pointee.png, info = decoder.pointee.info
        let width = Int(png_get_image_width(png, info)), height = Int(png_get_image_height(png, info))
        try limits.check(width: width, height: height, file: file)

        guard fovea_png_configure(decoder, asIndices ? 1 : 0) == 0 else { throw failure(decoder, file) }
        let channels = Int(png_get_channels(png, info)), bitDepth = Int(png_get_bit_depth(png, info))
        let rowBytes = Int(png_get_rowbytes(png, info))
        guard let layout = ChannelLayout(rawValue: channels), bitDepth == 8 || bitDepth == 16,
              rowBytes == width * channels * bitDepth / 8 else {
            throw ImageCodecError(file: file, problem: "PNG: unexpected decoded layout (\(channels) channels, \(bitDepth) bits)")
        }

        var bytes = [UInt8](repeating: 0, count: rowBytes * height)
        let status = bytes.withUnsafeMutableBufferPointer { buffer in
            var rows: [UnsafeMutablePointer<UInt8>?] = (0..<height).map { buffer.baseAddress! + $0 * rowBytes }
            return fovea_png_read_image(decoder, &rows)
        }
        guard status == 0 else { throw failure(decoder, file) }

        guard bitDepth == 16 else { return Image(width: width, height: height, layout: layout, samples: .uint8(bytes)) }
        let wide = (0..<(bytes.count / 2)).map { UInt16(bytes[2 * $0]) << 8 | UInt16(bytes[2 * $0 + 1]) }  // PNG is big-endian
        return Image(width: width, height: height, layout: layout, samples: .uint16(wide))
    }

    /// Width and height from the header, no pixel decoded.
    static func size(_ bytes: UnsafeRawBufferPointer, file: String) throws(ImageCodecError) -> (width: Int, height: Int) {
        let decoder = try header(bytes, file: file)
        defer { release(decoder) }
        return (Int(png_get_image_width(decoder.pointee.png, decoder.pointee.info)),
                Int(png_get_image_height(decoder.pointee.png, decoder.pointee.info)))
    }

    /// A decoder that has read the header; the caller releases it.
    private static func header(_ bytes: UnsafeRawBufferPointer, file: String) throws(ImageCodecError) -> UnsafeMutablePointer<fovea_png_decoder> {
        // Heap-allocated because libpng keeps pointers to it (error and I/O callbacks) for its whole life.
        let decoder = UnsafeMutablePointer<fovea_png_decoder>.allocate(capacity: 1)
        decoder.initialize(to: fovea_png_decoder())
        decoder.pointee.data = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self)
        decoder.pointee.size = bytes.count
        guard fovea_png_read_header(decoder) == 0 else {
            let error = failure(decoder, file)
            release(decoder)
            throw error
        }
        return decoder
    }

    private static func release(_ decoder: UnsafeMutablePointer<fovea_png_decoder>) {
        fovea_png_destroy(decoder)
        decoder.deallocate()
    }

    private static func failure(_ decoder: UnsafeMutablePointer<fovea_png_decoder>, _ file: String) -> ImageCodecError {
        let message = withUnsafeBytes(of: decoder.pointee.message) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        return ImageCodecError(file: file, problem: "PNG: " + message)
    }
}
