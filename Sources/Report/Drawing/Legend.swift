/// A row (or rows) of colour swatches with names, wrapped to a width.
struct Legend {
    struct Entry { var name: String; var color: RGBColor; var line = false }

    static let fontSize = 10.0, rowHeight = 16.0, swatch = 10.0, gap = 5.0, spacing = 14.0

    let entries: [Entry]
    /// Each entry's place: x from the legend's left, and its row.
    let positions: [(x: Double, row: Int)]
    /// Each entry's width: swatch, gap and (possibly shortened) name.
    let widths: [Double]
    let rows: Int
    let maxNameWidth: Double

    init(entries: [Entry], width: Double, maxNameWidth: Double = 160) {
        self.entries = entries
        self.maxNameWidth = maxNameWidth
        widths = TextMetrics.widths(entries.map(\.name), size: Self.fontSize).map { Self.swatch + Self.gap + min($0, maxNameWidth) }
        var positions: [(Double, Int)] = [], x = 0.0, row = 0
        for w in widths {
            if x > 0 && x + w > width { (x, row) = (0, row + 1) }
            positions.append((x, row))
            x += w + Self.spacing
        }
        self.positions = positions
        rows = entries.isEmpty ? 0 : row + 1
    }

    var height: Double { Double(rows) * Self.rowHeight }

    /// Width of the longest row.
    var usedWidth: Double { zip(positions, widths).map { $0.x + $1 }.max() ?? 0 }

    func draw(on canvas: Canvas, x: Double, y: Double) {
        canvas.setFont(size: Self.fontSize)
        for (entry, position) in zip(entries, positions) {
            let left = x + position.x, middle = y + (Double(position.row) + 0.5) * Self.rowHeight
            if entry.line {
                canvas.line(from: (left, middle), to: (left + Self.swatch, middle), color: entry.color, lineWidth: 2.5)
            } else {
                canvas.fillRect(x: left, y: middle - Self.swatch / 2, width: Self.swatch, height: Self.swatch, color: entry.color)
            }
            canvas.text(entry.name, x: left + Self.swatch + Self.gap, y: middle, color: .ink, maxWidth: maxNameWidth)
        }
    }
}
