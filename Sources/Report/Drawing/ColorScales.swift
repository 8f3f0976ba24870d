/// Sequential colour scales for matrices, sampled at t in [0, 1].
enum ColorScale {
    /// Light to dark blue, as matplotlib's "Blues" (three of its stops, interpolated).
    static func blues(_ t: Double) -> RGBColor {
        let stops = [RGBColor(hex: 0xF7FBFF), RGBColor(hex: 0x6BAED6), RGBColor(hex: 0x08306B)]
        let x = min(max(t, 0), 1) * Double(stops.count - 1), i = min(Int(x), stops.count - 2)
        return stops[i].mixed(with: stops[i + 1], x - Double(i))
    }

    static func viridis(_ t: Double) -> RGBColor {
        let (r, g, b) = Colormap.viridis.rgb(Float(t))
        return RGBColor(r: Double(r), g: Double(g), b: Double(b))
    }
}
