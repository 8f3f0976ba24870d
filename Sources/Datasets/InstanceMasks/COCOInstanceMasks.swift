extension COCOInstances.Segmentation {
    /// The object's mask over a `width` × `height` image, as pycocotools' `annToMask`: polygons rasterised by its
    /// rules and merged, run lengths (plain or compressed, crowd regions included) decoded. Nil when the runs are
    /// corrupt or do not cover exactly this image.
    public func instanceMask(width: Int, height: Int) -> InstanceMask? {
        switch self {
        case .polygons(let polygons):
            return InstanceMask.union(polygons.map { COCOPolygonRaster.mask(polygon: $0, width: width, height: height) },
                                      width: width, height: height)
        case .runLengths(_, let maskHeight, let maskWidth), .compressedRunLengths(_, let maskHeight, let maskWidth):
            guard maskWidth == width, maskHeight == height, let decoded = runLengthMask() else { return nil }
            return InstanceMask(width: width, height: height, pixels: decoded.pixels)
        }
    }
}

extension COCODetectionDataset {
    /// One mask per box of `entry`, in the same order: its segmentation, or for an annotation without one the
    /// box itself (as pycocotools' `rleFrBbox`). Throws naming the annotation whose mask cannot be made.
    public func instanceMasks(of entry: Entry) throws(DatasetError) -> [InstanceMask] {
        var masks: [InstanceMask] = []
        for index in entry.annotationIndices {
            let annotation = instances.annotations[index]
            let segmentation = annotation.segmentation ?? .polygons([Self.boxPolygon(annotation.bbox)])
            guard let mask = segmentation.instanceMask(width: entry.width, height: entry.height) else {
                throw DatasetError(file: entry.path, problem: "annotations[\(index)].segmentation: run lengths do not "
                                   + "describe a \(entry.width)×\(entry.height) mask")
            }
            masks.append(mask)
        }
        return masks
    }

    /// The four corners of [x, y, w, h], in pycocotools' `rleFrBbox` order.
    static func boxPolygon(_ box: [Double]) -> [Double] {
        let (x, y, right, bottom) = (box[0], box[1], box[0] + box[2], box[1] + box[3])
        return [x, y, x, bottom, right, bottom, right, y]
    }
}
