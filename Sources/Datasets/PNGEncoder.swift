import CPNG

/// PNG writing through libpng: 8 or 16 bits per sample, gray, gray+alpha, RGB or RGBA, written exactly as given
/// (no gamma or alpha conversion). libpng's errors are caught in the CPNG shim (`fovea_png_write`).
enum PNGEncoder {
    static func encode(_ image: Image, file: String) throws(ImageCodecError) -> [UInt8] {
        guard image.width > 0, image.height > 0 else {
            throw ImageCodecError(file: file, problem: "PNG: cannot write an empty \(image.width)×\(image.height) image")
        }
        // PNG stores 16-bit samples big-endian.
        let bytes: [UInt8]
        switch image.samples {
        case .uint8(let values): bytes = values
        case .uint16(let values): bytes = values.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
        }
        let rowBytes = image.width * image.channels * image.bitDepth / 8

        let encoder = UnsafeMutablePointer<fovea_png_encoder>.allocate(capacity: 1)
        encoder.initialize(to: fovea_png_encoder())
        defer {
            fovea_png_encoder_destroy(encoder)
            encoder.deallocate()
        }
        let status = bytes.withUnsafeBufferPointer { buffer in
            // libpng does not write through the row pointers; its API just is not const.
            let base = UnsafeMutablePointer(mutating: buffer.baseAddress!)
            var rows: [UnsafeMutablePointer<UInt8>?] = (0..<image.height).map { base + $0 * rowBytes }
            return fovea_png_write(encoder, png_uint_32(image.width), png_uint_32(image.height), Int32(image.bitDepth),
                                   Int32(image.channels), &rows)
        }
        guard status == 0, let data = encoder.pointee.data else {
            let message = withUnsafeBytes(of: encoder.pointee.message) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            throw ImageCodecError(file: file, problem: "PNG: " + message)
        }
        return Array(UnsafeBufferPointer(start: data, count: encoder.pointee.size))
    }
}
