/// pycocotools' default detection parameters (`Params.setDetParams`), including its float quirks.
public struct CocoParameters: Sendable {
    public struct AreaRange: Sendable {
        public var label: String, lower: Double, upper: Double
    }

    /// `np.linspace(.5, .95, 10)`: start + i·step, so the ninth threshold is 0.8999999999999999, not 0.9.
    public var iouThresholds: [Double] = (0..<10).map { 0.5 + Double($0) * ((0.95 - 0.5) / 9) }
    /// `np.linspace(0, 1, 101)`: i·0.01 (e.g. 0.35000000000000003), compared with `searchsorted(…, 'left')`.
    public var recallThresholds: [Double] = (0...100).map { Double($0) * 0.01 }
    public var maxDetections = [1, 10, 100]
    /// Bounds are inclusive at both ends, as in `evaluateImg`.
    public var areaRanges = [
        AreaRange(label: "all", lower: 0, upper: 1e10),
        AreaRange(label: "small", lower: 0, upper: 1024),
        AreaRange(label: "medium", lower: 1024, upper: 9216),
        AreaRange(label: "large", lower: 9216, upper: 1e10),
    ]

    public init() {}
}
