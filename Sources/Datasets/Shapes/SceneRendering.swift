/// A rendered scene: the picture, and for every annotated object the pixels where it shows.
struct RenderedScene {
    struct Object {
        var source: SceneObject
        /// Row-major, true where at least half of the pixel's samples show this object.
        var mask: [Bool]
        var tags: Set<Difficulty>
    }

    let image: Image
    let objects: [Object]
    /// Row-major class labels: 0 background (clutter and occluders included), 1… the classes in `ShapeClass`
    /// order, `SegmentationMask.ignoreIndex` on edges where samples disagree.
    let semanticLabels: [UInt8]
    let imageTags: Set<Difficulty>

    /// Fewer visible samples than this share of the unoccluded object make it "occluded".
    static let occludedBelow = 0.85

    init(_ scene: Scene) {
        var raster = LayeredRaster(width: scene.width, height: scene.height)
        scene.clutter.forEach { raster.draw($0) }
        let objectLayers = scene.objects.map { raster.draw($0.primitive) }
        scene.occluders.forEach { raster.draw($0) }

        var objects: [Object] = []
        for (object, layer) in zip(scene.objects, objectLayers) {
            let visible = raster.visibleSamples(of: layer)
            var alone = LayeredRaster(width: scene.width, height: scene.height)
            alone.draw(object.primitive)
            let whole = alone.visibleSamples(of: 0).reduce(0) { $0 + Int($1) }
            let shown = visible.reduce(0) { $0 + Int($1) }
            var tags = object.tags
            if Double(shown) < Self.occludedBelow * Double(whole) { tags.insert(.occluded) }
            let mask = visible.map { Int($0) * 2 >= LayeredRaster.samplesPerPixel }
            // An object hidden almost entirely cannot be annotated meaningfully; placement keeps this rare.
            guard mask.lazy.filter({ $0 }).count >= 4 else { continue }
            objects.append(Object(source: object, mask: mask, tags: tags))
        }
        self.objects = objects
        image = raster.render(background: scene.background)

        var classOfLayer: [Int: UInt8] = [:]
        for (object, layer) in zip(scene.objects, objectLayers) {
            classOfLayer[layer] = UInt8(ShapeClass.allCases.firstIndex(of: object.shapeClass)! + 1)
        }
        semanticLabels = raster.labels(labelOfLayer: { classOfLayer[$0] ?? 0 }, backgroundLabel: 0,
                                       mixedLabel: SegmentationMask.ignoreIndex)
        var imageTags = objects.reduce(into: Set<Difficulty>()) { $0.formUnion($1.tags) }
        if !scene.clutter.isEmpty { imageTags.insert(.clutter) }
        self.imageTags = imageTags
    }

    /// True when the picture shows `difficulty` and nothing else (no difficulty for nil), and, when `objects` is
    /// given, exactly that many annotated objects.
    func shows(only difficulty: Difficulty?, objects count: Int?) -> Bool {
        guard !objects.isEmpty, count.map({ $0 == objects.count }) ?? true else { return false }
        return imageTags == (difficulty.map { [$0] } ?? [])
    }
}
