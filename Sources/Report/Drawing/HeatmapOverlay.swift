import Datasets

/// A class activation map blended over its image as pytorch-grad-cam's show_cam_on_image does: the map is
/// resized bilinearly to the image (cv2.resize semantics), coloured, mixed with the image by `imageWeight`, and
/// the sum divided by its maximum. Drawn at the image's size (within `maxSide`/`minSide`) with no decoration,
/// so thumbnails line up.
public struct HeatmapOverlay: Drawing, Sendable {
    let raster: DisplayRaster
    public let map: [Float]
    public let mapWidth: Int, mapHeight: Int
    public let colormap: Colormap
    public let imageWeight: Float
    let frame: ImageFrame

    public init(image: Image, map: [Float], mapWidth: Int, mapHeight: Int, colormap: Colormap = .jet,
                imageWeight: Float = 0.5, maxSide: Int? = nil, minSide: Int? = nil) {
        self.init(raster: DisplayRaster(image), map: map, mapWidth: mapWidth, mapHeight: mapHeight, colormap: colormap,
                  imageWeight: imageWeight, maxSide: maxSide, minSide: minSide)
    }

    /// From an image already in floats: `rgb` is [height, width, 3] in [0, 1], as show_cam_on_image takes it
    /// (a de-normalised network input keeps its full precision this way).
    public init(rgb: [Float], width: Int, height: Int, map: [Float], mapWidth: Int, mapHeight: Int,
                colormap: Colormap = .jet, imageWeight: Float = 0.5, maxSide: Int? = nil, minSide: Int? = nil) {
        self.init(raster: DisplayRaster(width: width, height: height, rgb: rgb), map: map, mapWidth: mapWidth,
                  mapHeight: mapHeight, colormap: colormap, imageWeight: imageWeight, maxSide: maxSide, minSide: minSide)
    }

    init(raster: DisplayRaster, map: [Float], mapWidth: Int, mapHeight: Int, colormap: Colormap, imageWeight: Float,
         maxSide: Int?, minSide: Int?) {
        precondition(map.count == mapWidth * mapHeight, "a map of \(map.count) values is not \(mapWidth)×\(mapHeight)")
        precondition((0...1).contains(imageWeight), "image weight \(imageWeight) is outside [0, 1]")
        self.raster = raster
        self.map = map
        self.mapWidth = mapWidth
        self.mapHeight = mapHeight
        self.colormap = colormap
        self.imageWeight = imageWeight
        frame = ImageFrame(imageWidth: raster.width, imageHeight: raster.height, maxSide: maxSide, minSide: minSide)
    }

    public var size: (width: Int, height: Int) { (frame.width, frame.height) }

    /// The blended 8-bit RGB pixels at `width` × `height` (the image's own size gives show_cam_on_image's output).
    public func blendedPixels(width: Int, height: Int) -> [UInt8] {
        let shown = raster.shrunk(width: width, height: height)
        let resized = BilinearResampler.resize(map, width: mapWidth, height: mapHeight, toWidth: width, toHeight: height)
        return colormap.overlay(image: shown.rgb, map: resized, imageWeight: imageWeight)
    }

    public func draw(on canvas: Canvas) {
        let raster = frame.rasterSize(scale: canvas.scale)
        canvas.paint(rgb: blendedPixels(width: raster.width, height: raster.height), width: raster.width,
                     height: raster.height, x: 0, y: 0, toWidth: Double(frame.width), toHeight: Double(frame.height))
    }
}
