import Foundation

/// Anything the report draws: a fixed logical size and a function that paints it on a canvas of that size.
public protocol Drawing {
    var size: (width: Int, height: Int) { get }
    func draw(on canvas: Canvas)
}

extension Drawing {
    /// A canvas of the drawing's size with the drawing on it; `scale` device pixels per logical pixel.
    public func render(scale: Double = 2) -> Canvas {
        let canvas = Canvas(width: size.width, height: size.height, scale: scale)
        draw(on: canvas)
        return canvas
    }

    public func png(scale: Double = 2) throws -> Data { try render(scale: scale).pngData() }
}
