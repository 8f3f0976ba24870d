import CCairo
import Datasets

/// A box to draw on an image, with the tag written beside it.
public struct LabelledBox: Sendable {
    /// COCO [x, y, width, height] in image pixels.
    public var box: [Double]
    public var label: String
    public var role: BoxRole

    /// A box that is not four finite numbers is not drawn (the report still shows its image).
    public init(box: [Double], label: String, role: BoxRole) {
        self.box = box
        self.label = label
        self.role = role
    }
}

/// An image with ground truth and predictions drawn on it in their error colours: ground truth (and misses)
/// dashed, predictions solid, each with a small filled tag holding its label. Borders lie inside their boxes, so
/// a box covering pixels x ..< x + w is framed on exactly those pixels.
public struct AnnotatedImage: Drawing, Sendable {
    public let image: Image
    public let boxes: [LabelledBox]
    let frame: ImageFrame

    /// Border width in logical pixels.
    static let lineWidth = 2.0
    static let tagFontSize = 10.0, tagPadding = 3.0

    public init(image: Image, boxes: [LabelledBox], maxSide: Int? = nil, minSide: Int? = nil) {
        self.image = image
        self.boxes = boxes
        frame = ImageFrame(imageWidth: image.width, imageHeight: image.height, maxSide: maxSide, minSide: minSide)
    }

    public var size: (width: Int, height: Int) { (frame.width, frame.height) }

    public func draw(on canvas: Canvas) {
        let raster = frame.rasterSize(scale: canvas.scale)
        let shown = DisplayRaster(image).shrunk(width: raster.width, height: raster.height)
        canvas.paint(rgb: shown.bytes, width: raster.width, height: raster.height, x: 0, y: 0,
                     toWidth: Double(frame.width), toHeight: Double(frame.height))
        // Ground truth first, so predictions sit on top of what they are compared with.
        let drawable = boxes.filter { $0.box.count == 4 && $0.box.allSatisfy(\.isFinite) }
        let ordered = drawable.filter { $0.role.isGroundTruth } + drawable.filter { !$0.role.isGroundTruth }
        for box in ordered { drawBorder(box, on: canvas) }
        var placed: [Rect] = []
        for box in ordered where !box.label.isEmpty { drawTag(box, on: canvas, avoiding: &placed) }
    }

    private func logicalRect(_ box: LabelledBox) -> (x: Double, y: Double, w: Double, h: Double) {
        let (fx, fy) = frame.factor
        return (box.box[0] * fx, box.box[1] * fy, box.box[2] * fx, box.box[3] * fy)
    }

    private func drawBorder(_ box: LabelledBox, on canvas: Canvas) {
        let r = logicalRect(box), color = ErrorPalette.color(for: box.role), width = Self.lineWidth
        guard r.w > 0, r.h > 0 else { return }
        let cr = canvas.context
        // A dark hairline just outside keeps a light border visible on a light image.
        cairo_rectangle(cr, r.x - 0.5, r.y - 0.5, r.w + 1, r.h + 1)
        cairo_set_line_width(cr, 1)
        canvas.setColor(.black, alpha: 0.35)
        cairo_stroke(cr)
        if box.role.isGroundTruth {
            let dash = [4.0, 3.0]
            cairo_set_dash(cr, dash, 2, 0)
        }
        canvas.strokeRectInside(x: r.x, y: r.y, width: r.w, height: r.h, lineWidth: min(width, r.w / 2, r.h / 2),
                                color: color)
        cairo_set_dash(cr, nil, 0, 0)
    }

    struct Rect {
        var x: Double, y: Double, width: Double, height: Double
        func overlaps(_ o: Rect) -> Bool {
            x < o.x + o.width && o.x < x + width && y < o.y + o.height && o.y < y + height
        }
    }

    /// The label on a filled tag at the box's top-left corner: above it if there is room, else just inside; a tag
    /// that would cover an earlier one moves to the box's bottom edge instead.
    private func drawTag(_ box: LabelledBox, on canvas: Canvas, avoiding placed: inout [Rect]) {
        let r = logicalRect(box), color = ErrorPalette.color(for: box.role)
        canvas.setFont(size: Self.tagFontSize)
        let padding = Self.tagPadding, height = Self.tagFontSize + 2 * padding
        let (frameWidth, frameHeight) = (Double(frame.width), Double(frame.height))
        let text = canvas.fitted(box.label, maxWidth: min(frameWidth - 2 * padding, 180))
        guard !text.isEmpty else { return }
        let width = canvas.textWidth(text) + 2 * padding
        let x = min(max(r.x, 0), max(0, frameWidth - width))
        func clampedY(_ y: Double) -> Double { min(max(y, 0), max(0, frameHeight - height)) }
        let candidates = [r.y - height >= 0 ? r.y - height : r.y, r.y + r.h, r.y + r.h - height]
            .map { Rect(x: x, y: clampedY($0), width: width, height: height) }
        let tag = candidates.first { c in !placed.contains { $0.overlaps(c) } } ?? candidates[0]
        placed.append(tag)
        canvas.fillRect(x: tag.x, y: tag.y, width: tag.width, height: tag.height, color: color, alpha: 0.9)
        canvas.text(text, x: tag.x + padding, y: tag.y + height / 2, color: color.contrastingText)
    }
}
