import CCairo
import Foundation

/// A Cairo image surface with a context already scaled so that drawing happens in logical (CSS) pixels:
/// `width` × `height` logical pixels become `pixelWidth` × `pixelHeight` device pixels, `scale` per logical pixel
/// (2 for HiDPI screens), so vector shapes and text stay sharp at any scale.
///
/// An opaque background gives an RGB24 surface (the PNG has no alpha channel, a third smaller); `nil` gives a
/// transparent ARGB32 one. Both hold native-endian 0xAARRGGBB words, premultiplied: `pixel(x:y:)` undoes that.
public final class Canvas {
    public let width: Int, height: Int, scale: Double
    /// The Cairo context, scaled to logical pixels. Drawings use it directly.
    public let context: OpaquePointer
    let surface: OpaquePointer
    let isOpaque: Bool

    public var pixelWidth: Int { Int(cairo_image_surface_get_width(surface)) }
    public var pixelHeight: Int { Int(cairo_image_surface_get_height(surface)) }

    public init(width: Int, height: Int, scale: Double = 2, background: RGBColor? = .white) {
        precondition(width > 0 && height > 0 && scale > 0, "canvas of \(width)×\(height) at scale \(scale)")
        self.width = width
        self.height = height
        self.scale = scale
        isOpaque = background != nil
        let format = isOpaque ? CAIRO_FORMAT_RGB24 : CAIRO_FORMAT_ARGB32
        surface = cairo_image_surface_create(format, Int32((Double(width) * scale).rounded()),
                                             Int32((Double(height) * scale).rounded()))!
        context = cairo_create(surface)!
        cairo_scale(context, scale, scale)
        Canvas.configureText(context)
        if let background {
            cairo_set_source_rgb(context, background.r, background.g, background.b)
            cairo_paint(context)
        }
    }

    deinit {
        cairo_destroy(context)
        cairo_surface_destroy(surface)
    }

    /// The picture as a PNG file's bytes.
    public func pngData() throws -> Data {
        cairo_surface_flush(surface)
        final class Sink { var data = Data() }
        let sink = Sink()
        let status = cairo_surface_write_to_png_stream(surface, { closure, bytes, length in
            let sink = Unmanaged<Sink>.fromOpaque(closure!).takeUnretainedValue()
            sink.data.append(bytes!, count: Int(length))
            return CAIRO_STATUS_SUCCESS
        }, Unmanaged.passUnretained(sink).toOpaque())
        guard status == CAIRO_STATUS_SUCCESS else {
            throw DrawingError(file: "<memory>", problem: "PNG encoding failed: \(String(cString: cairo_status_to_string(status)))")
        }
        return sink.data
    }

    /// Writes the PNG under a temporary name and renames it, so `path` never holds half a file.
    public func writePNG(to path: String) throws {
        let data = try pngData()
        do { try data.write(to: URL(fileURLWithPath: path), options: .atomic) }
        catch { throw DrawingError(file: path, problem: "cannot write PNG: \(error.localizedDescription)") }
    }

    /// A device pixel, un-premultiplied, as 8-bit RGBA.
    public func pixel(x: Int, y: Int) -> (r: UInt8, g: UInt8, b: UInt8, a: UInt8) {
        precondition(x >= 0 && x < pixelWidth && y >= 0 && y < pixelHeight, "pixel (\(x), \(y)) outside \(pixelWidth)×\(pixelHeight)")
        cairo_surface_flush(surface)
        let stride = Int(cairo_image_surface_get_stride(surface))
        let row = cairo_image_surface_get_data(surface)! + y * stride
        // A native-endian 32-bit word: memory order is B, G, R, A on little-endian machines.
        let word = UnsafeRawPointer(row).load(fromByteOffset: 4 * x, as: UInt32.self)
        let a = isOpaque ? 255 : UInt32(word >> 24)
        func channel(_ shift: UInt32) -> UInt8 {
            let c = (word >> shift) & 0xFF
            if a == 255 { return UInt8(c) }
            if a == 0 { return 0 }
            return UInt8(min(255, (c * 255 + a / 2) / a))
        }
        return (channel(16), channel(8), channel(0), UInt8(a))
    }

    /// DejaVu Sans through fontconfig, with hinting off so that text takes the same logical room at every scale.
    private static func configureText(_ context: OpaquePointer) {
        cairo_select_font_face(context, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL)
        let options = cairo_font_options_create()
        cairo_font_options_set_hint_metrics(options, CAIRO_HINT_METRICS_OFF)
        cairo_font_options_set_hint_style(options, CAIRO_HINT_STYLE_NONE)
        cairo_font_options_set_antialias(options, CAIRO_ANTIALIAS_GRAY)
        cairo_set_font_options(context, options)
        cairo_font_options_destroy(options)
    }
}
