/// How an image is laid out in a drawing: its logical size (shrunk so the longer side is at most `maxSide`,
/// enlarged so it is at least `minSide`), and the resolution its pixels are prepared at for a given scale.
struct ImageFrame {
    let imageWidth: Int, imageHeight: Int
    let width: Int, height: Int

    init(imageWidth: Int, imageHeight: Int, maxSide: Int?, minSide: Int?) {
        precondition(imageWidth > 0 && imageHeight > 0, "an image of \(imageWidth)×\(imageHeight) has no pixels")
        self.imageWidth = imageWidth
        self.imageHeight = imageHeight
        let longer = Double(max(imageWidth, imageHeight))
        var factor = 1.0
        if let maxSide, longer > Double(maxSide) { factor = Double(max(maxSide, 1)) / longer }
        if let minSide, longer < Double(minSide) { factor = Double(minSide) / longer }
        width = max(1, Int((Double(imageWidth) * factor).rounded()))
        height = max(1, Int((Double(imageHeight) * factor).rounded()))
    }

    /// Logical pixels per image pixel.
    var factor: (x: Double, y: Double) { (Double(width) / Double(imageWidth), Double(height) / Double(imageHeight)) }

    /// The image's own resolution, or the device resolution if that is smaller: no detail is thrown away
    /// that the screen could show, and none is invented (the canvas enlarges with square pixels).
    func rasterSize(scale: Double) -> (width: Int, height: Int) {
        let deviceWidth = Int((Double(width) * scale).rounded()), deviceHeight = Int((Double(height) * scale).rounded())
        if deviceWidth >= imageWidth && deviceHeight >= imageHeight { return (imageWidth, imageHeight) }
        return (max(1, min(imageWidth, deviceWidth)), max(1, min(imageHeight, deviceHeight)))
    }
}
