/// Brightness, contrast and saturation changes as torchvision's adjust_* functions, clamped to [0, 1].
enum ColorJitter {
    static func apply(_ image: PlanarImage, brightness: Float, contrast: Float, saturation: Float) -> PlanarImage {
        var out = image
        let plane = image.width * image.height
        func clamp(_ value: Float) -> Float { min(max(value, 0), 1) }
        func gray(_ pixel: Int) -> Float {
            image.channels >= 3
                ? 0.299 * out.values[pixel] + 0.587 * out.values[plane + pixel] + 0.114 * out.values[2 * plane + pixel]
                : out.values[pixel]
        }
        for index in out.values.indices { out.values[index] = clamp(out.values[index] * brightness) }
        let meanGray = (0..<plane).reduce(Float(0)) { $0 + gray($1) } / Float(max(plane, 1))
        let colorChannels = min(image.channels, 3)
        for index in 0..<(colorChannels * plane) { out.values[index] = clamp((out.values[index] - meanGray) * contrast + meanGray) }
        guard image.channels >= 3 else { return out }
        for pixel in 0..<plane {
            let level = gray(pixel)
            for channel in 0..<3 {
                let index = channel * plane + pixel
                out.values[index] = clamp((out.values[index] - level) * saturation + level)
            }
        }
        return out
    }
}
