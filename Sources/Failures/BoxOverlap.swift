/// Intersection over union of two [x, y, width, height] boxes; 0 when either is empty.
func boxIoU(_ a: [Double], _ b: [Double]) -> Double {
    guard a.count == 4, b.count == 4 else { return 0 }
    let w = min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0])
    let h = min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1])
    guard w > 0, h > 0 else { return 0 }
    let inter = w * h
    let union = a[2] * a[3] + b[2] * b[3] - inter
    return union > 0 ? inter / union : 0
}
