/// The shapes the IoU is computed on, prepared once: boxes for `bbox`, RLE masks (and their boxes, the
/// reference's fast reject) for `segm`. Areas follow pycocotools: ground truth uses the file's `area`;
/// detections use the box area when the first result has a box (`loadRes`), otherwise the mask area.
struct MatchGeometry: Sendable {
    let iouType: IoUType
    let groundTruthBoxes: [BoundingBox]
    let detectionBoxes: [BoundingBox]
    let groundTruthMasks: [RunLengthMask]
    let detectionMasks: [RunLengthMask]
    let groundTruthMaskBoxes: [BoundingBox]
    let detectionMaskBoxes: [BoundingBox]
    let detectionAreas: [Double]

    init(groundTruth: CocoGroundTruth, detections: [Detection], iouType: IoUType) throws {
        self.iouType = iouType
        groundTruthBoxes = groundTruth.annotations.map(\.box)
        detectionBoxes = detections.map { $0.box ?? BoundingBox(x: 0, y: 0, width: 0, height: 0) }
        let firstHasBox = detections.first?.box != nil
        switch iouType {
        case .bbox:
            groundTruthMasks = []; detectionMasks = []; groundTruthMaskBoxes = []; detectionMaskBoxes = []
            detectionAreas = detectionBoxes.map(\.area)
        case .segm:
            var sizes = [Int: (height: Int, width: Int)]()
            for image in groundTruth.images { sizes[image.id] = (image.height, image.width) }
            groundTruthMasks = try groundTruth.annotations.enumerated().map { i, a in
                guard let s = a.segmentation else {
                    throw EvaluationError("ground truth: annotations[\(i)]: missing \"segmentation\" (needed for --iou-type segm)")
                }
                let size = sizes[a.imageId] ?? (0, 0)
                return try Self.mask(s, height: size.height, width: size.width, entry: "ground truth: annotations[\(i)].segmentation")
            }
            detectionMasks = try detections.enumerated().map { i, d in
                let size = sizes[d.imageId] ?? (0, 0)
                return try Self.mask(d.segmentation!, height: size.height, width: size.width, entry: "results: [\(i)].segmentation")
            }
            groundTruthMaskBoxes = groundTruthMasks.map(\.boundingBox)
            detectionMaskBoxes = detectionMasks.map(\.boundingBox)
            detectionAreas = firstHasBox ? detectionBoxes.map(\.area) : detectionMasks.map { Double($0.area) }
        }
    }

    /// `annToRLE`: polygons are rasterised at the image size and merged; RLEs are taken as they are.
    static func mask(_ segmentation: Segmentation, height: Int, width: Int, entry: String) throws -> RunLengthMask {
        switch segmentation {
        case .polygons(let polygons):
            return PolygonRasterizer.mask(polygons: polygons, height: height, width: width)
        case .uncompressedRLE(let mask):
            return mask
        case .compressedRLE(let h, let w, let string):
            guard let counts = RunLengthString.decode(string) else { throw EvaluationError("\(entry).counts: not a COCO RLE string") }
            return RunLengthMask(height: h, width: w, counts: counts)
        }
    }

    @inline(__always)
    func iou(detection d: Int, groundTruth g: Int, crowd: Bool) -> Double {
        switch iouType {
        case .bbox:
            return Overlap.boxIoU(detectionBoxes[d], groundTruthBoxes[g], crowd: crowd)
        case .segm:
            return Overlap.maskIoU(detectionMasks[d], groundTruthMasks[g], crowd: crowd,
                                   detectionBox: detectionMaskBoxes[d], groundTruthBox: groundTruthMaskBoxes[g])
        }
    }
}
