import CCairo

/// Where a text's anchor point sits on it.
enum TextAnchor { case leading, center, trailing }

/// Text in DejaVu Sans, measured and placed in logical pixels.
extension Canvas {
    func setFont(size: Double, bold: Bool = false) {
        cairo_select_font_face(context, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL,
                               bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL)
        cairo_set_font_size(context, size)
    }

    /// How far the text advances with the current font.
    func textWidth(_ text: String) -> Double {
        var extents = cairo_text_extents_t()
        cairo_text_extents(context, text, &extents)
        return extents.x_advance
    }

    /// The text, shortened with an ellipsis if it is wider than `maxWidth`: at the end, or in the middle for names
    /// whose end matters as much as their start (layer names such as "stage2.block0.…conv2.weight").
    func fitted(_ text: String, maxWidth: Double, middle: Bool = false) -> String {
        guard textWidth(text) > maxWidth else { return text }
        let characters = Array(text)
        func shortened(_ kept: Int) -> String {
            if !middle { return String(characters[..<kept]).trimmingTrailingPunctuation() + "…" }
            let head = (kept + 1) / 2, tail = kept - head
            return String(characters[..<head]) + "…" + String(characters[(characters.count - tail)...])
        }
        var (low, high) = (0, characters.count - 1)  // most characters kept that still fit with the ellipsis
        while low < high {
            let mid = (low + high + 1) / 2
            if textWidth(shortened(mid)) <= maxWidth { low = mid } else { high = mid - 1 }
        }
        return low == 0 ? (textWidth("…") <= maxWidth ? "…" : "") : shortened(low)
    }

    /// Draws one line of text with its vertical middle (of the font's capital letters) at `y`.
    @discardableResult
    func text(_ text: String, x: Double, y: Double, anchor: TextAnchor = .leading, color: RGBColor = .ink,
              maxWidth: Double? = nil, middleEllipsis: Bool = false) -> Double {
        let shown = maxWidth.map { fitted(text, maxWidth: $0, middle: middleEllipsis) } ?? text
        let width = textWidth(shown)
        let left = switch anchor {
        case .leading: x
        case .center: x - width / 2
        case .trailing: x - width
        }
        // Cap height is about 0.73 of the em in DejaVu Sans; centring on it looks centred to the eye.
        let baseline = y + 0.365 * fontSize
        cairo_move_to(context, left, baseline)
        setColor(color)
        cairo_show_text(context, shown)
        cairo_new_path(context)
        return width
    }

    /// Text turned a quarter anticlockwise (reading upwards) with its anchor at (x, y): `.leading` starts the
    /// text there and runs up, `.center` centres it (a y-axis title).
    func verticalText(_ text: String, x: Double, y: Double, anchor: TextAnchor = .center, color: RGBColor = .ink,
                      maxLength: Double, middleEllipsis: Bool = false) {
        cairo_save(context)
        cairo_translate(context, x, y)
        cairo_rotate(context, -Double.pi / 2)
        self.text(text, x: 0, y: 0, anchor: anchor, color: color, maxWidth: maxLength, middleEllipsis: middleEllipsis)
        cairo_restore(context)
    }

    var fontSize: Double {
        var matrix = cairo_matrix_t()
        cairo_get_font_matrix(context, &matrix)
        return matrix.yy
    }
}

extension String {
    /// Without trailing spaces and dots, which would run into an ellipsis ("0.…" reads as "0....").
    func trimmingTrailingPunctuation() -> String {
        var s = Substring(self)
        while let last = s.last, last == " " || last == "." || last == "," { s = s.dropLast() }
        return String(s)
    }
}
