/// Precision against recall at pycocotools' 101 recall thresholds (0, 0.01, …, 1), one curve per class or setting.
/// Precision −1 (pycocotools' "undefined", e.g. a class without ground truth) breaks the curve.
public struct PrecisionRecallChart: Drawing, Sendable {
    public let curves: [(name: String, precision: [Double])]
    public let title: String
    public let width: Int, height: Int

    public init(curves: [(name: String, precision: [Double])], width: Int = 420, height: Int = 320,
                title: String = "Precision–recall") {
        self.curves = curves
        self.title = title
        self.width = width
        self.height = height
    }

    public var size: (width: Int, height: Int) { (width, height) }

    public func draw(on canvas: Canvas) {
        let series = curves.map { curve in
            // A curve with no defined point (a class without ground truth) says so instead of vanishing silently.
            LineChart.Series(name: curve.precision.allSatisfy { $0 < 0 } ? "\(curve.name) (undefined)" : curve.name, points: curve.precision.enumerated().map { i, p in
                (x: Double(i) / Double(max(curve.precision.count - 1, 1)), y: p < 0 ? .nan : p)
            })
        }
        let unit = ChartAxis.fixed(0, 1, ticks: [0, 0.2, 0.4, 0.6, 0.8, 1])
        LineChart(title: title, xLabel: "Recall", yLabel: "Precision", series: series,
                  width: width, height: height).draw(on: canvas, xAxis: unit, yAxis: unit)
    }
}
