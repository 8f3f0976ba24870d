import Foundation

/// One axis of a chart: its range, its ticks and how values map onto it.
struct ChartAxis {
    let low: Double, high: Double
    let ticks: [Double]
    let logarithmic: Bool

    /// A linear axis spanning the finite `values` on round ticks; `includeZero` anchors bars and counts at 0.
    /// Whole-number values (steps, iterations) get whole-number ticks.
    static func linear(_ values: [Double], includeZero: Bool = false, target: Int = 5) -> ChartAxis {
        var finite = values.filter(\.isFinite)
        if includeZero { finite.append(0) }
        let integral = !finite.isEmpty && finite.allSatisfy { $0 == $0.rounded() }
        let ticks = Ticks.linear(finite.min() ?? 0, finite.max() ?? 1, target: target, integral: integral)
        return ChartAxis(low: ticks.first!, high: ticks.last!, ticks: ticks, logarithmic: false)
    }

    /// A log axis over the positive finite `values`, from decade to decade.
    static func logarithmic(_ values: [Double]) -> ChartAxis {
        let positive = values.filter { $0.isFinite && $0 > 0 }
        let ticks = Ticks.logarithmic(positive.min() ?? 0.1, positive.max() ?? 1)
        return ChartAxis(low: ticks.first!, high: ticks.last!, ticks: ticks, logarithmic: true)
    }

    static func fixed(_ low: Double, _ high: Double, ticks: [Double]) -> ChartAxis {
        ChartAxis(low: low, high: high, ticks: ticks, logarithmic: false)
    }

    /// Where `v` falls, 0 at `low` and 1 at `high`; nil if it cannot be shown (not finite, or ≤ 0 on a log axis).
    func fraction(_ v: Double) -> Double? {
        guard v.isFinite else { return nil }
        if logarithmic {
            guard v > 0 else { return nil }
            return (log10(v) - log10(low)) / (log10(high) - log10(low))
        }
        return high > low ? (v - low) / (high - low) : 0.5
    }

    func label(_ v: Double) -> String { logarithmic ? Ticks.logLabel(v) : Ticks.label(v, among: ticks) }
}

/// The rectangle data is plotted in, in logical pixels.
struct PlotArea {
    let x: Double, y: Double, width: Double, height: Double

    func point(_ fx: Double, _ fy: Double) -> (x: Double, y: Double) { (x + fx * width, y + (1 - fy) * height) }
}

/// Chart text sizes and spacing, shared so all charts look like one family.
enum ChartStyle {
    static let titleSize = 13.0, labelSize = 11.0, tickSize = 10.0
    static let tickLength = 4.0
    static let margin = 10.0
    static let titleHeight = 24.0
    static let axisTitleGap = 16.0
}

extension Canvas {
    /// Chart title, left-aligned at the top.
    func chartTitle(_ title: String, width: Double) {
        guard !title.isEmpty else { return }
        setFont(size: ChartStyle.titleSize, bold: true)
        text(title, x: ChartStyle.margin, y: ChartStyle.margin + 6, color: .ink, maxWidth: width - 2 * ChartStyle.margin)
    }

    /// Light grid lines at the ticks, axis lines on the left and bottom, tick labels, and axis titles.
    func axes(_ plot: PlotArea, x: ChartAxis, y: ChartAxis, xLabel: String, yLabel: String,
              xTickLabel: ((Double) -> String)? = nil) {
        setFont(size: ChartStyle.tickSize)
        for t in y.ticks {
            guard let f = y.fraction(t), (-1e-9...1 + 1e-9).contains(f) else { continue }
            let p = plot.point(0, f)
            line(from: (plot.x, p.y), to: (plot.x + plot.width, p.y), color: .grid)
            text(y.label(t), x: plot.x - ChartStyle.tickLength - 3, y: p.y, anchor: .trailing, color: .mutedInk)
        }
        var lastRight = -Double.infinity
        for t in x.ticks {
            guard let f = x.fraction(t), (-1e-9...1 + 1e-9).contains(f) else { continue }
            let p = plot.point(f, 0)
            line(from: (p.x, plot.y), to: (p.x, plot.y + plot.height), color: .grid)
            line(from: (p.x, p.y), to: (p.x, p.y + ChartStyle.tickLength), color: .axis)
            let label = xTickLabel?(t) ?? x.label(t), half = textWidth(label) / 2
            guard p.x - half > lastRight + 4 else { continue }  // never let labels collide
            text(label, x: p.x, y: p.y + ChartStyle.tickLength + 8, anchor: .center, color: .mutedInk)
            lastRight = p.x + half
        }
        line(from: (plot.x, plot.y), to: (plot.x, plot.y + plot.height), color: .axis)
        line(from: (plot.x, plot.y + plot.height), to: (plot.x + plot.width, plot.y + plot.height), color: .axis)
        setFont(size: ChartStyle.labelSize)
        if !xLabel.isEmpty {
            text(xLabel, x: plot.x + plot.width / 2, y: plot.y + plot.height + ChartStyle.tickLength + 8 + ChartStyle.axisTitleGap,
                 anchor: .center, color: .ink, maxWidth: plot.width)
        }
        if !yLabel.isEmpty {
            verticalText(yLabel, x: ChartStyle.margin + 6, y: plot.y + plot.height / 2, color: .ink, maxLength: plot.height)
        }
    }

    /// A centred note in an empty plot ("no data").
    func emptyNote(_ note: String, in plot: PlotArea) {
        setFont(size: ChartStyle.labelSize)
        text(note, x: plot.x + plot.width / 2, y: plot.y + plot.height / 2, anchor: .center, color: .mutedInk, maxWidth: plot.width)
    }
}
