/// Text widths before there is a canvas, for drawings whose size depends on their labels.
enum TextMetrics {
    static func width(_ text: String, size: Double, bold: Bool = false) -> Double {
        let scratch = Canvas(width: 1, height: 1, scale: 1, background: nil)
        scratch.setFont(size: size, bold: bold)
        return scratch.textWidth(text)
    }

    static func widths(_ texts: [String], size: Double, bold: Bool = false) -> [Double] {
        let scratch = Canvas(width: 1, height: 1, scale: 1, background: nil)
        scratch.setFont(size: size, bold: bold)
        return texts.map { scratch.textWidth($0) }
    }

    static func widest(_ texts: [String], size: Double, bold: Bool = false) -> Double {
        widths(texts, size: size, bold: bold).max() ?? 0
    }
}
