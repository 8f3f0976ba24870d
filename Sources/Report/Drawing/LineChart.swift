/// Lines over a shared x axis: training and validation loss, the learning-rate schedule. Points that cannot be shown
/// (NaN, infinities, and values ≤ 0 on a log axis) break the line instead of bending it.
public struct LineChart: Drawing, Sendable {
    public struct Series: Sendable {
        public var name: String
        public var points: [(x: Double, y: Double)]
        public init(name: String, points: [(x: Double, y: Double)]) {
            self.name = name
            self.points = points
        }
    }

    public let title: String, xLabel: String, yLabel: String
    public let series: [Series]
    public let logY: Bool
    public let width: Int, height: Int

    public init(title: String, xLabel: String, yLabel: String, series: [Series], logY: Bool = false,
                width: Int = 480, height: Int = 280) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.series = series
        self.logY = logY
        self.width = width
        self.height = height
    }

    public var size: (width: Int, height: Int) { (width, height) }

    /// Series `index`'s colour (matplotlib's default cycle).
    public static func color(forSeries index: Int) -> RGBColor { SeriesPalette.color(index) }

    public func draw(on canvas: Canvas) { draw(on: canvas, xAxis: nil, yAxis: nil) }

    /// Draws with given axes instead of ones fitted to the data (a precision–recall chart is always 0…1).
    func draw(on canvas: Canvas, xAxis fixedX: ChartAxis?, yAxis fixedY: ChartAxis?) {
        let (w, h) = (Double(width), Double(height)), m = ChartStyle.margin
        canvas.chartTitle(title, width: w)
        let xs = series.flatMap { $0.points.map(\.x) }, ys = series.flatMap { $0.points.map(\.y) }
        let xAxis = fixedX ?? ChartAxis.linear(xs)
        let yAxis = fixedY ?? (logY ? ChartAxis.logarithmic(ys) : ChartAxis.linear(ys))
        canvas.setFont(size: ChartStyle.tickSize)
        let tickWidth = yAxis.ticks.map { canvas.textWidth(yAxis.label($0)) }.max() ?? 0
        // A legend only when there is more than one line: on the title's row if it fits there, else below it.
        let entries = series.enumerated().map { Legend.Entry(name: $1.name, color: Self.color(forSeries: $0), line: true) }
        let legend = series.count > 1 ? Legend(entries: entries, width: w - 2 * m) : nil
        canvas.setFont(size: ChartStyle.titleSize, bold: true)
        let titleWidth = title.isEmpty ? 0 : canvas.textWidth(title) + 24
        let besideTitle = legend.map { $0.rows == 1 && titleWidth + $0.usedWidth <= w - 2 * m } ?? false
        let titleRow = title.isEmpty && legend == nil ? m : ChartStyle.titleHeight
        let top = titleRow + (besideTitle ? 10 : (legend.map { $0.height + 8 } ?? 10))
        let left = m + (yLabel.isEmpty ? 0 : ChartStyle.axisTitleGap) + tickWidth + ChartStyle.tickLength + 4
        let bottom = ChartStyle.tickLength + 16 + (xLabel.isEmpty ? 0 : ChartStyle.axisTitleGap) + 4
        let plot = PlotArea(x: left, y: top, width: max(10, w - left - m - 6), height: max(10, h - top - bottom))
        if let legend {
            if besideTitle { legend.draw(on: canvas, x: w - m - legend.usedWidth, y: m + 6 - Legend.rowHeight / 2) }
            else { legend.draw(on: canvas, x: m, y: ChartStyle.titleHeight - 2) }
        }
        canvas.axes(plot, x: xAxis, y: yAxis, xLabel: xLabel, yLabel: yLabel)
        var drewAny = false
        canvas.clipped(x: plot.x - 2, y: plot.y - 2, width: plot.width + 4, height: plot.height + 4) {
            for (index, s) in series.enumerated() {
                var run: [(x: Double, y: Double)] = []
                func flush() {
                    if !run.isEmpty { canvas.polyline(run, color: Self.color(forSeries: index), lineWidth: 1.75); drewAny = true }
                    run = []
                }
                var shown: [(x: Double, y: Double)] = []
                for p in s.points {
                    if let fx = xAxis.fraction(p.x), let fy = yAxis.fraction(p.y) { run.append(plot.point(fx, fy)); shown.append(run.last!) }
                    else { flush() }
                }
                flush()
                // Sparse series (validation once per epoch, one value per iteration) show their actual points.
                if shown.count <= 30 { canvas.dots(shown, color: Self.color(forSeries: index), radius: 2.5) }
            }
        }
        if !drewAny { canvas.emptyNote("no data", in: plot) }
    }
}
