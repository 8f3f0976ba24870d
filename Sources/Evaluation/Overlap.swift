/// Intersection over union as pycocotools' `bbIou` / `rleIou`. For a crowd ground truth the union is
/// the detection's own area, so a detection inside a crowd region scores high however large the crowd.
public enum Overlap {
    @inline(__always)
    public static func boxIoU(_ d: BoundingBox, _ g: BoundingBox, crowd: Bool) -> Double {
        let w = min(d.width + d.x, g.width + g.x) - max(d.x, g.x)
        if w <= 0 { return 0 }
        let h = min(d.height + d.y, g.height + g.y) - max(d.y, g.y)
        if h <= 0 { return 0 }
        let i = w * h
        let u = crowd ? d.width * d.height : d.width * d.height + g.width * g.height - i
        return i / u
    }

    /// Mask IoU; -1 when the two masks have different sizes (as the reference reports).
    public static func maskIoU(_ d: RunLengthMask, _ g: RunLengthMask, crowd: Bool,
                               detectionBox: BoundingBox? = nil, groundTruthBox: BoundingBox? = nil) -> Double {
        // The reference first computes box IoU of the masks' boxes and skips pairs whose boxes miss.
        let db = detectionBox ?? d.boundingBox, gb = groundTruthBox ?? g.boundingBox
        if boxIoU(db, gb, crowd: crowd) <= 0 { return 0 }
        if d.height != g.height || d.width != g.width { return -1 }
        let a = d.counts, b = g.counts
        guard !a.isEmpty, !b.isEmpty else { return 0 }
        var ca = a[0], cb = b[0], ia = 1, ib = 1
        var va = false, vb = false
        var inter: UInt32 = 0, union: UInt32 = 0, remaining: UInt32 = 1
        while remaining > 0 {
            let c = min(ca, cb)
            if va || vb { union &+= c; if va && vb { inter &+= c } }
            remaining = 0
            ca -= c; if ca == 0 && ia < a.count { ca = a[ia]; ia += 1; va.toggle() }; remaining &+= ca
            cb -= c; if cb == 0 && ib < b.count { cb = b[ib]; ib += 1; vb.toggle() }; remaining &+= cb
        }
        if inter == 0 { union = 1 } else if crowd { union = UInt32(truncatingIfNeeded: d.area) }
        return Double(inter) / Double(union)
    }
}
