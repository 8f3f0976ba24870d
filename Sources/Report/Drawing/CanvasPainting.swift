import CCairo

/// Shapes in logical pixels, snapped where it matters so that thin lines fall on whole device pixels.
extension Canvas {
    func setColor(_ color: RGBColor, alpha: Double = 1) {
        if alpha >= 1 { cairo_set_source_rgb(context, color.r, color.g, color.b) }
        else { cairo_set_source_rgba(context, color.r, color.g, color.b, alpha) }
    }

    func fillRect(x: Double, y: Double, width: Double, height: Double, color: RGBColor, alpha: Double = 1) {
        cairo_rectangle(context, x, y, width, height)
        setColor(color, alpha: alpha)
        cairo_fill(context)
    }

    /// A rectangle whose border of `lineWidth` lies inside it, so the frame covers exactly the rectangle's edge.
    func strokeRectInside(x: Double, y: Double, width: Double, height: Double, lineWidth: Double, color: RGBColor) {
        let inset = lineWidth / 2
        cairo_rectangle(context, x + inset, y + inset, max(0, width - lineWidth), max(0, height - lineWidth))
        cairo_set_line_width(context, lineWidth)
        cairo_set_line_join(context, CAIRO_LINE_JOIN_MITER)
        setColor(color)
        cairo_stroke(context)
    }

    /// A straight line of `lineWidth`, its ends and position moved onto the device-pixel grid so it is not blurred.
    func line(from a: (x: Double, y: Double), to b: (x: Double, y: Double), color: RGBColor, lineWidth: Double = 1,
              dash: [Double] = []) {
        let (a, b) = (snap(a, lineWidth: lineWidth), snap(b, lineWidth: lineWidth))
        cairo_move_to(context, a.x, a.y)
        cairo_line_to(context, b.x, b.y)
        cairo_set_line_width(context, lineWidth)
        cairo_set_line_cap(context, CAIRO_LINE_CAP_BUTT)
        cairo_set_dash(context, dash, Int32(dash.count), 0)
        setColor(color)
        cairo_stroke(context)
        cairo_set_dash(context, nil, 0, 0)
    }

    /// The centre of the nearest device-pixel column/row (or pixel boundary, for even device widths).
    func snap(_ p: (x: Double, y: Double), lineWidth: Double) -> (x: Double, y: Double) {
        let device = (lineWidth * scale).rounded()
        let offset = device.truncatingRemainder(dividingBy: 2) == 1 ? 0.5 : 0
        func s(_ v: Double) -> Double { (((v * scale) - offset).rounded() + offset) / scale }
        return (s(p.x), s(p.y))
    }

    /// A polyline through `points`, joined smoothly.
    func polyline(_ points: [(x: Double, y: Double)], color: RGBColor, lineWidth: Double) {
        guard let first = points.first else { return }
        cairo_move_to(context, first.x, first.y)
        for p in points.dropFirst() { cairo_line_to(context, p.x, p.y) }
        if points.count == 1 { cairo_line_to(context, first.x + 0.01, first.y) }  // a lone point still shows as a dot
        cairo_set_line_width(context, lineWidth)
        cairo_set_line_join(context, CAIRO_LINE_JOIN_ROUND)
        cairo_set_line_cap(context, CAIRO_LINE_CAP_ROUND)
        setColor(color)
        cairo_stroke(context)
    }

    /// Filled circles, for data points.
    func dots(_ points: [(x: Double, y: Double)], color: RGBColor, radius: Double) {
        for p in points {
            cairo_new_sub_path(context)
            cairo_arc(context, p.x, p.y, radius, 0, 2 * Double.pi)
        }
        setColor(color)
        cairo_fill(context)
    }

    /// Runs `body` with drawing limited to a rectangle.
    func clipped(x: Double, y: Double, width: Double, height: Double, _ body: () -> Void) {
        cairo_save(context)
        cairo_rectangle(context, x, y, width, height)
        cairo_clip(context)
        body()
        cairo_restore(context)
    }
}
