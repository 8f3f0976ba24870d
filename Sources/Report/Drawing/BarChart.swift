/// Vertical bars with their values written on them: dAP per TIDE error type. A bar named after an error type
/// ("Cls", "Loc", …) takes that type's colour, so the chart matches the boxes on the images.
public struct BarChart: Drawing, Sendable {
    public let title: String
    public let bars: [(label: String, value: Double)]
    public let width: Int, height: Int

    public init(title: String, bars: [(label: String, value: Double)], width: Int = 480, height: Int = 260) {
        self.title = title
        self.bars = bars
        self.width = width
        self.height = height
    }

    public var size: (width: Int, height: Int) { (width, height) }

    static let defaultColor = RGBColor(hex: 0x4C78A8)

    static func color(for label: String) -> RGBColor { ErrorPalette.errorColors[label] ?? defaultColor }

    public func draw(on canvas: Canvas) {
        let (w, h) = (Double(width), Double(height)), m = ChartStyle.margin
        canvas.chartTitle(title, width: w)
        let yAxis = ChartAxis.linear(bars.map(\.value), includeZero: true, target: 4)
        canvas.setFont(size: ChartStyle.tickSize)
        let tickWidth = yAxis.ticks.map { canvas.textWidth(yAxis.label($0)) }.max() ?? 0
        let top = (title.isEmpty ? m : ChartStyle.titleHeight) + 14  // room for the value above the tallest bar
        let left = m + tickWidth + ChartStyle.tickLength + 4
        let plot = PlotArea(x: left, y: top, width: max(10, w - left - m), height: max(10, h - top - 28))
        // The y axis alone: categories need no grid across.
        canvas.axes(plot, x: ChartAxis.fixed(0, 1, ticks: []), y: yAxis, xLabel: "", yLabel: "")
        guard !bars.isEmpty else { canvas.emptyNote("no data", in: plot); return }
        let slot = plot.width / Double(bars.count), barWidth = min(slot * 0.7, 56)
        let zero = plot.point(0, yAxis.fraction(0) ?? 0).y
        for (i, bar) in bars.enumerated() {
            let center = plot.x + slot * (Double(i) + 0.5)
            canvas.setFont(size: ChartStyle.labelSize)
            canvas.text(bar.label, x: center, y: plot.y + plot.height + 12, anchor: .center, color: .ink, maxWidth: slot - 4)
            guard let f = yAxis.fraction(bar.value) else {
                canvas.setFont(size: ChartStyle.tickSize)
                canvas.text(Ticks.value(bar.value), x: center, y: zero - 8, anchor: .center, color: .mutedInk, maxWidth: slot - 2)
                continue
            }
            let end = plot.point(0, f).y
            canvas.fillRect(x: center - barWidth / 2, y: min(zero, end), width: barWidth, height: abs(zero - end),
                            color: Self.color(for: bar.label))
            canvas.setFont(size: ChartStyle.tickSize)
            let labelY = bar.value >= 0 ? end - 7 : end + 7
            canvas.text(Ticks.value(bar.value), x: center, y: labelY, anchor: .center, color: .ink, maxWidth: slot - 2)
        }
        canvas.line(from: (plot.x, zero), to: (plot.x + plot.width, zero), color: .axis)
    }
}
