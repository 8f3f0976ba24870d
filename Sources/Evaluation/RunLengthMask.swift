/// A binary mask as COCO run lengths: pixels in column-major order (down each column, then the next
/// column), alternating runs of 0s and 1s, starting with 0s. Mirrors pycocotools' `maskApi.c` RLE.
public struct RunLengthMask: Sendable, Equatable {
    public var height: Int
    public var width: Int
    public var counts: [UInt32]

    public init(height: Int, width: Int, counts: [UInt32]) {
        self.height = height; self.width = width; self.counts = counts
    }

    /// Encodes a column-major 0/1 mask (`rleEncode`).
    public init(columnMajor pixels: [UInt8], height: Int, width: Int) {
        var counts = [UInt32]()
        var previous: UInt8 = 0, run: UInt32 = 0
        for p in pixels {
            let bit: UInt8 = p != 0 ? 1 : 0
            if bit != previous { counts.append(run); run = 0; previous = bit }
            run += 1
        }
        counts.append(run)
        self.init(height: height, width: width, counts: counts)
    }

    /// The column-major 0/1 pixels (`rleDecode`).
    public func decoded() -> [UInt8] {
        var pixels = [UInt8](); pixels.reserveCapacity(height * width)
        var value: UInt8 = 0
        for run in counts {
            pixels.append(contentsOf: repeatElement(value, count: Int(run)))
            value ^= 1
        }
        return pixels
    }

    /// Number of foreground pixels (`rleArea`).
    public var area: Int {
        var total = 0
        var j = 1
        while j < counts.count { total += Int(counts[j]); j += 2 }
        return total
    }

    /// Tight box [x, y, w, h] of the foreground, or zeros when empty (`rleToBbox`, including its quirk of
    /// spanning the full height when a run of ones crosses a column boundary).
    public var boundingBox: BoundingBox {
        let h = UInt32(truncatingIfNeeded: height), w = UInt32(truncatingIfNeeded: width)
        let m = (counts.count / 2) * 2
        guard m > 0, h > 0 else { return BoundingBox(x: 0, y: 0, width: 0, height: 0) }
        var xs = w, ys = h, xe: UInt32 = 0, ye: UInt32 = 0, cc: UInt32 = 0, xp: UInt32 = 0
        for j in 0..<m {
            cc &+= counts[j]
            let t = cc &- UInt32(j % 2)
            let y = t % h, x = (t &- y) / h
            if j % 2 == 0 { xp = x } else if xp < x { ys = 0; ye = h &- 1 }
            xs = min(xs, x); xe = max(xe, x); ys = min(ys, y); ye = max(ye, y)
        }
        return BoundingBox(x: Double(xs), y: Double(ys), width: Double(xe &- xs &+ 1), height: Double(ye &- ys &+ 1))
    }

    /// Union (or intersection) of masks of one size (`rleMerge`); a size mismatch gives an empty 0×0 mask.
    public static func merge(_ masks: [RunLengthMask], intersect: Bool = false) -> RunLengthMask {
        guard let first = masks.first else { return RunLengthMask(height: 0, width: 0, counts: []) }
        if masks.count == 1 { return first }
        let h = first.height, w = first.width
        var current = first.counts
        for other in masks.dropFirst() {
            if other.height != h || other.width != w { return RunLengthMask(height: 0, width: 0, counts: []) }
            let a = current, b = other.counts
            var out = [UInt32](); out.reserveCapacity(a.count + b.count)
            var ca = a.first ?? 0, cb = b.first ?? 0
            var va = false, vb = false, v = false
            var ia = 1, ib = 1
            var cc: UInt32 = 0, remaining: UInt32 = 1
            while remaining > 0 {
                let c = min(ca, cb)
                cc &+= c; remaining = 0
                ca -= c; if ca == 0 && ia < a.count { ca = a[ia]; ia += 1; va.toggle() }; remaining &+= ca
                cb -= c; if cb == 0 && ib < b.count { cb = b[ib]; ib += 1; vb.toggle() }; remaining &+= cb
                let previous = v
                v = intersect ? (va && vb) : (va || vb)
                if v != previous || remaining == 0 { out.append(cc); cc = 0 }
            }
            current = out
        }
        return RunLengthMask(height: h, width: w, counts: current)
    }
}
