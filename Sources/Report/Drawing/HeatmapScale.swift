/// The key to a heat map: its colour map as a horizontal bar, with what the ends mean written under them.
/// Uses the same OpenCV table as the overlays, so the key matches the pictures colour for colour.
public struct HeatmapScale: Drawing, Sendable {
    public let colormap: Colormap
    public let lowLabel: String, highLabel: String
    public let width: Int

    static let barHeight = 10.0, height = 30

    public init(colormap: Colormap = .jet, lowLabel: String = "low", highLabel: String = "high", width: Int = 160) {
        self.colormap = colormap
        self.lowLabel = lowLabel
        self.highLabel = highLabel
        self.width = width
    }

    public var size: (width: Int, height: Int) { (width, Self.height) }

    public func draw(on canvas: Canvas) {
        let table = colormap.opencvTable
        // One column per level, stretched to the bar: 256 pixels of colour, enlarged or shrunk by the canvas.
        canvas.paint(rgb: table, width: 256, height: 1, x: 0, y: 1, toWidth: Double(width), toHeight: Self.barHeight)
        canvas.setFont(size: ChartStyle.tickSize)
        let half = Double(width) / 2 - 4
        canvas.text(lowLabel, x: 0, y: Self.barHeight + 10, color: .mutedInk, maxWidth: half)
        canvas.text(highLabel, x: Double(width), y: Self.barHeight + 10, anchor: .trailing, color: .mutedInk, maxWidth: half)
    }
}
