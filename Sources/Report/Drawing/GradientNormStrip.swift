import Foundation

/// Per-layer gradient norms over training as a strip of cells (layers down, steps across) on a log colour
/// scale with its colour bar: vanishing layers show dark, exploding ones bright, non-finite norms red, zero grey.
public struct GradientNormStrip: Drawing, Sendable {
    public let layers: [String]
    public let steps: [Int]
    /// layers × steps.
    public let norms: [[Double]]
    public let title: String
    public let width: Int
    let rowHeight: Double
    let labelWidth: Double

    static let nonFinite = RGBColor(hex: 0xD62728)
    static let top = ChartStyle.titleHeight + 4, bottom = 40.0, colorBarWidth = 12.0, colorBarRoom = 72.0

    public init(layers: [String], steps: [Int], norms: [[Double]], width: Int = 640, height: Int? = nil,
                title: String = "Gradient norm per layer") {
        precondition(norms.count == layers.count && norms.allSatisfy { $0.count == steps.count },
                     "norms must be \(layers.count) layers × \(steps.count) steps")
        self.layers = layers
        self.steps = steps
        self.norms = norms
        self.title = title
        self.width = width
        labelWidth = min(160, TextMetrics.widest(layers, size: ChartStyle.tickSize) + 8)
        let rows = Double(max(layers.count, 1))
        rowHeight = height.map { max(2, (Double($0) - Self.top - Self.bottom) / rows) } ?? 14
    }

    public var size: (width: Int, height: Int) {
        (width, Int((Self.top + rowHeight * Double(max(layers.count, 1)) + Self.bottom).rounded(.up)))
    }

    /// The colour scale's ends: the smallest and largest positive finite norms.
    var range: (low: Double, high: Double)? {
        let positive = norms.joined().filter { $0.isFinite && $0 > 0 }
        guard let low = positive.min(), let high = positive.max() else { return nil }
        return (low, high)
    }

    func color(_ norm: Double, range: (low: Double, high: Double)) -> RGBColor {
        guard norm.isFinite else { return Self.nonFinite }
        guard norm > 0 else { return .empty }
        let span = log10(range.high) - log10(range.low)
        return ColorScale.viridis(span > 0 ? (log10(norm) - log10(range.low)) / span : 0.5)
    }

    public func draw(on canvas: Canvas) {
        let w = Double(width), m = ChartStyle.margin
        canvas.chartTitle(title, width: w)
        let plot = PlotArea(x: m + labelWidth, y: Self.top, width: max(10, w - m - labelWidth - Self.colorBarRoom),
                            height: rowHeight * Double(max(layers.count, 1)))
        guard !layers.isEmpty, !steps.isEmpty, let range else { canvas.emptyNote("no gradient norms", in: plot); return }
        let columnWidth = plot.width / Double(steps.count)
        for (row, layerNorms) in norms.enumerated() {
            for (column, norm) in layerNorms.enumerated() {
                // Cells overlap by a hair so that antialiased edges do not show as white seams.
                canvas.fillRect(x: plot.x + Double(column) * columnWidth, y: plot.y + Double(row) * rowHeight,
                                width: columnWidth + 0.3, height: rowHeight + 0.3, color: color(norm, range: range))
            }
        }
        canvas.setFont(size: ChartStyle.tickSize)
        if rowHeight >= 9 {
            for (row, layer) in layers.enumerated() {
                canvas.text(layer, x: plot.x - 4, y: plot.y + (Double(row) + 0.5) * rowHeight, anchor: .trailing,
                            color: .ink, maxWidth: labelWidth - 6, middleEllipsis: true)
            }
        }
        drawStepAxis(on: canvas, plot: plot, columnWidth: columnWidth)
        drawColorBar(on: canvas, plot: plot, range: range)
    }

    /// Round step numbers under the columns that hold them (or the nearest logged step).
    private func drawStepAxis(on canvas: Canvas, plot: PlotArea, columnWidth: Double) {
        let bottom = plot.y + plot.height
        canvas.line(from: (plot.x, bottom), to: (plot.x + plot.width, bottom), color: .axis)
        let ticks = Ticks.linear(Double(steps.first!), Double(steps.last!), target: max(2, Int(plot.width / 90)))
        var lastRight = -Double.infinity
        for tick in ticks where tick >= Double(steps.first!) && tick <= Double(steps.last!) {
            let column = steps.indices.min { abs(Double(steps[$0]) - tick) < abs(Double(steps[$1]) - tick) }!
            let x = plot.x + (Double(column) + 0.5) * columnWidth
            let label = Ticks.label(Double(steps[column]), among: ticks), half = canvas.textWidth(label) / 2
            guard x - half > lastRight + 4 else { continue }
            canvas.line(from: (x, bottom), to: (x, bottom + ChartStyle.tickLength), color: .axis)
            canvas.text(label, x: x, y: bottom + ChartStyle.tickLength + 8, anchor: .center, color: .mutedInk)
            lastRight = x + half
        }
        canvas.setFont(size: ChartStyle.labelSize)
        canvas.text("Step", x: plot.x + plot.width / 2, y: bottom + 30, anchor: .center)
    }

    private func drawColorBar(on canvas: Canvas, plot: PlotArea, range: (low: Double, high: Double)) {
        let x = plot.x + plot.width + 16, height = plot.height, bands = 64
        for i in 0..<bands {
            let t = Double(i) / Double(bands - 1)
            canvas.fillRect(x: x, y: plot.y + height * (1 - Double(i + 1) / Double(bands)), width: Self.colorBarWidth,
                            height: height / Double(bands) + 0.3, color: ColorScale.viridis(t))
        }
        canvas.setFont(size: ChartStyle.tickSize)
        let (low, high) = (log10(range.low), log10(range.high))
        var ticks = Ticks.logarithmic(range.low, range.high).filter { $0 >= range.low * 0.999 && $0 <= range.high * 1.001 }
        if ticks.count < 2 { ticks = high > low ? [range.low, range.high] : [range.low] }
        // Labels at least a line apart; the top and bottom ones always show, so the range is never a guess.
        var kept: [(tick: Double, y: Double)] = []
        for tick in ticks {
            let f = high > low ? (log10(tick) - low) / (high - low) : 0.5
            let y = plot.y + height * (1 - f)
            if let previous = kept.last, previous.y - y < 13 {
                if tick == ticks.last { kept[kept.count - 1] = (tick, y) }  // the last beats its neighbour
                continue
            }
            kept.append((tick, y))
        }
        for (tick, y) in kept {
            canvas.line(from: (x + Self.colorBarWidth, y), to: (x + Self.colorBarWidth + 3, y), color: .axis)
            let isDecade = abs(log10(tick) - log10(tick).rounded()) < 1e-9
            canvas.text(isDecade ? Ticks.logLabel(tick) : Ticks.value(tick, significant: 2),
                        x: x + Self.colorBarWidth + 5, y: y, color: .mutedInk)
        }
        if norms.joined().contains(where: { !$0.isFinite }) {
            // Explained on the title's row, right-aligned: red is not part of the scale.
            let label = "NaN or ∞", right = Double(width) - ChartStyle.margin
            let textLeft = right - canvas.textWidth(label)
            canvas.fillRect(x: textLeft - 15, y: ChartStyle.margin + 1, width: 10, height: 10, color: Self.nonFinite)
            canvas.text(label, x: textLeft, y: ChartStyle.margin + 6, color: .mutedInk)
        }
    }
}
