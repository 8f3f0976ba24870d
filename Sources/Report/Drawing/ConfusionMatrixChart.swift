/// Counts of true class (rows) against predicted class (columns). Each cell is shaded by its share of the row,
/// so a rare class's confusions show as plainly as a common one's, and carries its count when it fits.
public struct ConfusionMatrixChart: Drawing, Sendable {
    public let labels: [String]
    public let counts: [[Int]]
    public let title: String
    let cell: Double
    let rowLabelWidth: Double, columnLabelHeight: Double

    static let m = ChartStyle.margin, axisTitle = 16.0

    public init(labels: [String], counts: [[Int]], width: Int? = nil, title: String = "Confusion matrix") {
        precondition(counts.count == labels.count && counts.allSatisfy { $0.count == labels.count },
                     "counts must be \(labels.count) × \(labels.count)")
        self.labels = labels
        self.counts = counts
        self.title = title
        let widest = TextMetrics.widest(labels, size: ChartStyle.tickSize)
        rowLabelWidth = min(120, widest + 8)
        columnLabelHeight = min(90, widest + 8)
        let n = Double(max(labels.count, 1))
        if let width {
            cell = max(4, (Double(width) - 2 * Self.m - Self.axisTitle - rowLabelWidth) / n)
        } else {
            // Room for the largest count, but never wider than about 720 pixels in all: with many classes the
            // cells shrink and show colour only.
            let digits = Double(String(counts.joined().max() ?? 0).count)
            cell = min(min(44, max(26, digits * 7 + 12)), max(6, 720 / n))
        }
    }

    public var size: (width: Int, height: Int) {
        let side = cell * Double(max(labels.count, 1))
        let width = 2 * Self.m + Self.axisTitle + rowLabelWidth + side
        let height = ChartStyle.titleHeight + Self.axisTitle + columnLabelHeight + side + Self.m
        return (Int(width.rounded(.up)), Int(height.rounded(.up)))
    }

    public func draw(on canvas: Canvas) {
        let n = labels.count, side = cell * Double(n)
        canvas.chartTitle(title, width: Double(size.width))
        let left = Self.m + Self.axisTitle + rowLabelWidth
        let top = ChartStyle.titleHeight + Self.axisTitle + columnLabelHeight
        canvas.setFont(size: ChartStyle.labelSize)
        canvas.text("Predicted", x: left + side / 2, y: ChartStyle.titleHeight + Self.axisTitle / 2, anchor: .center,
                    color: .mutedInk, maxWidth: max(side, 60))
        canvas.verticalText("Truth", x: Self.m + Self.axisTitle / 2, y: top + side / 2, color: .mutedInk, maxLength: max(side, 40))
        canvas.setFont(size: ChartStyle.tickSize)
        let showsLabels = cell >= 9
        for (i, label) in labels.enumerated() where showsLabels {
            let middle = Double(i) * cell + cell / 2
            // Cut in the middle: class names often share a start and differ at the end ("class 12", "class 13").
            canvas.text(label, x: left - 4, y: top + middle, anchor: .trailing, color: .ink, maxWidth: rowLabelWidth - 6,
                        middleEllipsis: true)
            canvas.verticalText(label, x: left + middle, y: top - 4, anchor: .leading, color: .ink, maxLength: columnLabelHeight - 6,
                                middleEllipsis: true)
        }
        let countFits = canvas.textWidth(String(counts.joined().max() ?? 0)) + 4 <= cell && cell >= 14
        for (row, rowCounts) in counts.enumerated() {
            let total = rowCounts.reduce(0, +)
            for (column, count) in rowCounts.enumerated() {
                let share = total > 0 ? Double(count) / Double(total) : 0
                let fill = ColorScale.blues(share), x = left + Double(column) * cell, y = top + Double(row) * cell
                canvas.fillRect(x: x, y: y, width: cell, height: cell, color: fill)
                // Zeros are written faintly in a small matrix; in a large one they are only noise.
                if countFits && (count > 0 || n <= 10) {
                    let ink: RGBColor = count == 0 ? RGBColor(hex: 0xB8B8B8) : fill.contrastingText
                    canvas.text(String(count), x: x + cell / 2, y: y + cell / 2, anchor: .center, color: ink)
                }
            }
        }
        // The diagonal (right answers) framed, so the eye finds it at once.
        for i in 0..<n {
            canvas.strokeRectInside(x: left + Double(i) * cell, y: top + Double(i) * cell, width: cell, height: cell,
                                    lineWidth: 1, color: RGBColor(hex: 0x08306B))
        }
        canvas.strokeRectInside(x: left, y: top, width: side, height: side, lineWidth: 1, color: .axis)
    }
}
