/// The failure set's history: one row per case, one column per iteration, each cell coloured by the case's status
/// there ("fixed", "still failing", "newly broken", "passing", "new"; nil = not in that iteration), with a mark
/// that does not rely on colour, and a legend of the statuses shown.
public struct StatusMatrixChart: Drawing, Sendable {
    public let cases: [String]
    public let iterations: [String]
    /// cases × iterations.
    public let statuses: [[String?]]
    public let title: String
    let caseWidth: Double, columnWidth: Double
    let legend: Legend

    static let m = ChartStyle.margin, rowHeight = 18.0, headerHeight = 18.0

    /// The mark drawn in a cell, so statuses read apart without colour.
    static let marks = ["fixed": "✓", "newly broken": "!", "still failing": "✗", "failing": "✗", "new": "+"]

    public init(cases: [String], iterations: [String], statuses: [[String?]], title: String = "Case status by iteration") {
        precondition(statuses.count == cases.count && statuses.allSatisfy { $0.count == iterations.count },
                     "statuses must be \(cases.count) cases × \(iterations.count) iterations")
        self.cases = cases
        self.iterations = iterations
        self.statuses = statuses
        self.title = title
        caseWidth = min(200, TextMetrics.widest(cases, size: ChartStyle.tickSize) + 10)
        columnWidth = min(84, max(30, TextMetrics.widest(iterations, size: ChartStyle.tickSize) + 10))
        let shown = Set(statuses.joined().compactMap { $0 })
        let ordered = ErrorPalette.statusOrder.filter(shown.contains) + shown.subtracting(ErrorPalette.statusOrder).sorted()
        let gridWidth = caseWidth + columnWidth * Double(iterations.count)
        legend = Legend(entries: ordered.map { Legend.Entry(name: Self.legendName($0), color: ErrorPalette.color(forStatus: $0)) },
                        width: max(gridWidth, 320))
    }

    static func legendName(_ status: String) -> String { marks[status].map { "\($0) \(status)" } ?? status }

    public var size: (width: Int, height: Int) {
        let grid = caseWidth + columnWidth * Double(iterations.count)
        let width = 2 * Self.m + max(grid, legend.usedWidth, TextMetrics.width(title, size: ChartStyle.titleSize, bold: true))
        let height = ChartStyle.titleHeight + Self.headerHeight + Self.rowHeight * Double(cases.count) + 8 + legend.height + Self.m
        return (Int(width.rounded(.up)), Int(height.rounded(.up)))
    }

    public func draw(on canvas: Canvas) {
        canvas.chartTitle(title, width: Double(size.width))
        let left = Self.m + caseWidth, top = ChartStyle.titleHeight + Self.headerHeight
        canvas.setFont(size: ChartStyle.tickSize)
        for (column, iteration) in iterations.enumerated() {
            canvas.text(iteration, x: left + (Double(column) + 0.5) * columnWidth, y: top - Self.headerHeight / 2,
                        anchor: .center, color: .mutedInk, maxWidth: columnWidth - 4)
        }
        for (row, name) in cases.enumerated() {
            let y = top + Double(row) * Self.rowHeight
            canvas.setFont(size: ChartStyle.tickSize)
            canvas.text(name, x: left - 6, y: y + Self.rowHeight / 2, anchor: .trailing, color: .ink, maxWidth: caseWidth - 8)
            for (column, status) in statuses[row].enumerated() {
                let x = left + Double(column) * columnWidth
                // A 1-pixel gutter between cells keeps neighbours of one colour countable.
                guard let status else {
                    canvas.fillRect(x: x + 1, y: y + 1, width: columnWidth - 2, height: Self.rowHeight - 2, color: RGBColor(hex: 0xFAFAFA))
                    continue
                }
                let fill = ErrorPalette.color(forStatus: status)
                canvas.fillRect(x: x + 1, y: y + 1, width: columnWidth - 2, height: Self.rowHeight - 2, color: fill)
                if let mark = Self.marks[status] {
                    canvas.setFont(size: 11, bold: true)
                    canvas.text(mark, x: x + columnWidth / 2, y: y + Self.rowHeight / 2, anchor: .center, color: fill.contrastingText)
                }
            }
        }
        if cases.isEmpty || iterations.isEmpty {
            canvas.setFont(size: ChartStyle.labelSize)
            canvas.text("no cases", x: Self.m, y: top + 8, color: .mutedInk)
        }
        legend.draw(on: canvas, x: Self.m, y: top + Self.rowHeight * Double(cases.count) + 8)
    }
}
