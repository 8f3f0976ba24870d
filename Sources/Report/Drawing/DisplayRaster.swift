import CCairo
import Datasets

/// An image as opaque RGB floats in [0, 1], the form every image drawing starts from: gray is repeated into the
/// three channels, 16-bit samples are divided by 65535, and alpha is composited over white (as a browser shows it).
struct DisplayRaster {
    let width: Int, height: Int
    /// Row-major RGB triples.
    var rgb: [Float]

    init(width: Int, height: Int, rgb: [Float]) {
        precondition(rgb.count == 3 * width * height, "\(rgb.count) samples for a \(width)×\(height) RGB raster")
        self.width = width
        self.height = height
        self.rgb = rgb
    }

    init(_ image: Image) {
        let samples = image.floats(), channels = image.channels, pixels = image.width * image.height
        var rgb = [Float](repeating: 0, count: 3 * pixels)
        for p in 0..<pixels {
            let s = p * channels
            let alpha: Float = image.layout.hasAlpha ? samples[s + channels - 1] : 1
            for c in 0..<3 {
                let value = channels >= 3 ? samples[s + c] : samples[s]
                rgb[3 * p + c] = value * alpha + (1 - alpha)
            }
        }
        self.init(width: image.width, height: image.height, rgb: rgb)
    }

    /// Shrunk to `width` × `height` by averaging the source area under each target pixel (a box filter:
    /// no aliasing, unlike point sampling). Only for shrinking; the canvas enlarges.
    func shrunk(width: Int, height: Int) -> DisplayRaster {
        if width == self.width && height == self.height { return self }
        return DisplayRaster(width: width, height: height,
                             rgb: AreaResampler.resample(rgb, width: self.width, height: self.height, channels: 3,
                                                         toWidth: width, toHeight: height))
    }

    /// 8-bit RGB, rounded.
    var bytes: [UInt8] { rgb.map { UInt8((min(max($0, 0), 1) * 255).rounded()) } }

    /// An RGB24 Cairo surface holding `rgb` (8-bit RGB triples), for painting with `Canvas.paint(raster:…)`.
    static func surface(rgb: [UInt8], width: Int, height: Int) -> OpaquePointer {
        let surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, Int32(width), Int32(height))!
        cairo_surface_flush(surface)
        let stride = Int(cairo_image_surface_get_stride(surface))
        let data = UnsafeMutableRawPointer(cairo_image_surface_get_data(surface)!)
        for y in 0..<height {
            let row = data + y * stride
            for x in 0..<width {
                let i = 3 * (y * width + x)
                // Native-endian 0x00RRGGBB: written as a word, so the byte order is right on any machine.
                let word = UInt32(rgb[i]) << 16 | UInt32(rgb[i + 1]) << 8 | UInt32(rgb[i + 2])
                row.storeBytes(of: word, toByteOffset: 4 * x, as: UInt32.self)
            }
        }
        cairo_surface_mark_dirty(surface)
        return surface
    }
}

extension Canvas {
    /// Paints 8-bit RGB pixels stretched over a logical rectangle. Enlarging keeps pixels square and sharp
    /// (nearest neighbour: a reviewer wants to see a 32-pixel image's real pixels); shrinking filters.
    func paint(rgb: [UInt8], width: Int, height: Int, x: Double, y: Double, toWidth: Double, toHeight: Double) {
        let surface = DisplayRaster.surface(rgb: rgb, width: width, height: height)
        defer { cairo_surface_destroy(surface) }
        cairo_save(context)
        cairo_translate(context, x, y)
        cairo_scale(context, toWidth / Double(width), toHeight / Double(height))
        cairo_set_source_surface(context, surface, 0, 0)
        let enlarging = toWidth * scale >= Double(width) - 0.5
        cairo_pattern_set_filter(cairo_get_source(context), enlarging ? CAIRO_FILTER_NEAREST : CAIRO_FILTER_GOOD)
        cairo_pattern_set_extend(cairo_get_source(context), CAIRO_EXTEND_PAD)
        cairo_rectangle(context, 0, 0, Double(width), Double(height))
        cairo_fill(context)
        cairo_restore(context)
    }
}
