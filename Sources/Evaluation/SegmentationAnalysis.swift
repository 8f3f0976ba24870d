/// Error analysis of a semantic segmenter from label maps (class index per pixel, `ignoreIndex` = unlabelled):
/// the pixel confusion matrix, per-class IoU, Dice and boundary F-score, and a region taxonomy over
/// connected components that mirrors TIDE's order of tests:
///
/// - a ground-truth region is `matched` when a predicted region of its class overlaps it with IoU ≥ t_f,
///   `boundaryDrift` when the best such IoU is in [t_b, t_f), `classConfusion` when instead a predicted
///   region of another class reaches IoU ≥ t_b, and `missed` otherwise;
/// - a predicted region is judged the same way against ground-truth regions, ending in `falsePositive`.
///
/// Regions are 8-connected; pixels whose ground truth is `ignoreIndex` belong to no region and count nowhere.
/// Boundary pixels are mask pixels with a 4-neighbour (inside the image) outside the mask; a boundary
/// pixel is found when the other mask has a boundary pixel within `boundaryTolerance` (Chebyshev distance).
public struct SegmentationAnalysis: Sendable {
    public enum RegionStatus: String, Sendable {
        case matched = "TP", boundaryDrift = "BoundaryDrift", classConfusion = "Confusion"
        case missed = "Missed", falsePositive = "FalsePositive"
    }

    public struct Region: Sendable, Equatable {
        public var image: Int
        public var classId: Int
        public var isGroundTruth: Bool
        public var pixelCount: Int
        /// Inclusive pixel bounds.
        public var minX: Int, minY: Int, maxX: Int, maxY: Int
        public var status: RegionStatus
        /// Index (in `regions`) of the region that decided the status, if any.
        public var partner: Int?
        public var iou: Double
    }

    public let classCount: Int
    public let ignoreIndex: Int
    public let boundaryTolerance: Int
    public let foregroundIoU: Double
    public let backgroundIoU: Double
    /// classCount × classCount pixel counts, row = ground truth, column = prediction.
    public private(set) var confusion: [Int]
    public private(set) var regions: [Region] = []
    private var boundaryCounts: [(predictedFound: Int, predicted: Int, truthFound: Int, truth: Int)]
    private var imageCount = 0

    public init(classCount: Int, ignoreIndex: Int = 255, boundaryTolerance: Int = 2,
                foregroundIoU: Double = 0.5, backgroundIoU: Double = 0.1) {
        self.classCount = classCount; self.ignoreIndex = ignoreIndex; self.boundaryTolerance = boundaryTolerance
        self.foregroundIoU = foregroundIoU; self.backgroundIoU = backgroundIoU
        confusion = [Int](repeating: 0, count: classCount * classCount)
        boundaryCounts = Array(repeating: (0, 0, 0, 0), count: classCount)
    }

    // MARK: per-class numbers

    /// TP / (TP + FP + FN); nil for a class absent from both ground truth and prediction.
    public func iou(classId c: Int) -> Double? {
        let (tp, fp, fn) = pixelCounts(c)
        return tp + fp + fn == 0 ? nil : Double(tp) / Double(tp + fp + fn)
    }

    /// 2·TP / (2·TP + FP + FN); nil likewise.
    public func dice(classId c: Int) -> Double? {
        let (tp, fp, fn) = pixelCounts(c)
        return tp + fp + fn == 0 ? nil : Double(2 * tp) / Double(2 * tp + fp + fn)
    }

    /// Mean IoU over classes present in ground truth or prediction.
    public var meanIoU: Double {
        let values = (0..<classCount).compactMap { iou(classId: $0) }
        return values.isEmpty ? 0 : values.reduce(0, +) / Double(values.count)
    }

    /// Boundary F-score; nil when the class has no boundary in either map.
    public func boundaryF(classId c: Int) -> Double? {
        let b = boundaryCounts[c]
        if b.predicted == 0 && b.truth == 0 { return nil }
        let precision = b.predicted == 0 ? 0 : Double(b.predictedFound) / Double(b.predicted)
        let recall = b.truth == 0 ? 0 : Double(b.truthFound) / Double(b.truth)
        return precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall)
    }

    private func pixelCounts(_ c: Int) -> (Int, Int, Int) {
        let tp = confusion[c * classCount + c]
        let predicted = (0..<classCount).reduce(0) { $0 + confusion[$1 * classCount + c] }
        let actual = (0..<classCount).reduce(0) { $0 + confusion[c * classCount + $1] }
        return (tp, predicted - tp, actual - tp)
    }

    public func regionCount(_ status: RegionStatus, classId: Int? = nil) -> Int {
        regions.filter { $0.status == status && (classId == nil || $0.classId == classId) }.count
    }

    // MARK: adding images

    /// Adds one image; maps are row-major, `width × height` labels each.
    public mutating func add(groundTruth: [Int], prediction: [Int], width: Int, height: Int) throws {
        let image = imageCount
        guard groundTruth.count == width * height, prediction.count == width * height else {
            throw EvaluationError("segmentation image \(image): expected \(width)×\(height) labels, got \(groundTruth.count) and \(prediction.count)")
        }
        for (name, map) in [("ground truth", groundTruth), ("prediction", prediction)] {
            if let i = map.firstIndex(where: { ($0 < 0 || $0 >= classCount) && $0 != ignoreIndex }) {
                throw EvaluationError("segmentation image \(image) \(name): pixel (\(i % width), \(i / width)) has class \(map[i]), expected 0..<\(classCount) or \(ignoreIndex)")
            }
        }
        imageCount += 1
        // A pixel counts when its ground truth is labelled; an unlabelled prediction there counts as no class.
        let truth = groundTruth.map { $0 == ignoreIndex ? -1 : $0 }
        let predicted = zip(groundTruth, prediction).map { $0 == ignoreIndex || $1 == ignoreIndex ? -1 : $1 }
        for i in truth.indices where truth[i] >= 0 && predicted[i] >= 0 { confusion[truth[i] * classCount + predicted[i]] += 1 }
        addBoundaries(truth, predicted, width, height)
        addRegions(truth, predicted, width, height, image: image)
    }

    private mutating func addBoundaries(_ truth: [Int], _ predicted: [Int], _ width: Int, _ height: Int) {
        for c in 0..<classCount {
            let t = Self.boundary(of: truth, classId: c, width, height)
            let p = Self.boundary(of: predicted, classId: c, width, height)
            let near = Self.dilate(t, width, height, radius: boundaryTolerance)
            let nearPredicted = Self.dilate(p, width, height, radius: boundaryTolerance)
            var counts = boundaryCounts[c]
            for i in t.indices {
                if p[i] { counts.predicted += 1; if near[i] { counts.predictedFound += 1 } }
                if t[i] { counts.truth += 1; if nearPredicted[i] { counts.truthFound += 1 } }
            }
            boundaryCounts[c] = counts
        }
    }

    static func boundary(of map: [Int], classId c: Int, _ width: Int, _ height: Int) -> [Bool] {
        var out = [Bool](repeating: false, count: map.count)
        for y in 0..<height { for x in 0..<width where map[y * width + x] == c {
            let outside = (x > 0 && map[y * width + x - 1] != c) || (x + 1 < width && map[y * width + x + 1] != c)
                || (y > 0 && map[(y - 1) * width + x] != c) || (y + 1 < height && map[(y + 1) * width + x] != c)
            out[y * width + x] = outside
        } }
        return out
    }

    /// Square (Chebyshev) dilation, separably: rows then columns.
    static func dilate(_ mask: [Bool], _ width: Int, _ height: Int, radius: Int) -> [Bool] {
        if radius <= 0 { return mask }
        var rows = [Bool](repeating: false, count: mask.count)
        for y in 0..<height { for x in 0..<width where mask[y * width + x] {
            for xx in max(0, x - radius)...min(width - 1, x + radius) { rows[y * width + xx] = true }
        } }
        var out = [Bool](repeating: false, count: mask.count)
        for y in 0..<height { for x in 0..<width where rows[y * width + x] {
            for yy in max(0, y - radius)...min(height - 1, y + radius) { out[yy * width + x] = true }
        } }
        return out
    }

    private mutating func addRegions(_ truth: [Int], _ predicted: [Int], _ width: Int, _ height: Int, image: Int) {
        let (truthLabels, truthRegions) = Self.components(truth, width, height)
        let (predictedLabels, predictedRegions) = Self.components(predicted, width, height)
        // Overlap in pixels between every touching (truth, prediction) pair of regions.
        var overlap = [Int: Int]()
        for i in truth.indices where truthLabels[i] >= 0 && predictedLabels[i] >= 0 {
            overlap[truthLabels[i] * predictedRegions.count + predictedLabels[i], default: 0] += 1
        }
        var truthPartners = [[(other: Int, iou: Double)]](repeating: [], count: truthRegions.count)
        var predictedPartners = [[(other: Int, iou: Double)]](repeating: [], count: predictedRegions.count)
        for (key, shared) in overlap {
            let g = key / predictedRegions.count, p = key % predictedRegions.count
            let iou = Double(shared) / Double(truthRegions[g].pixelCount + predictedRegions[p].pixelCount - shared)
            truthPartners[g].append((p, iou)); predictedPartners[p].append((g, iou))
        }
        let truthBase = regions.count, predictedBase = truthBase + truthRegions.count
        func judge(_ region: Region, _ partners: [(other: Int, iou: Double)], _ others: [Region], otherBase: Int,
                   unmatched: RegionStatus) -> Region {
            var r = region
            // Best partner of the same class, then of another class; ties go to the lower region index.
            func best(_ sameClass: Bool) -> (Int, Double)? {
                partners.filter { (others[$0.other].classId == r.classId) == sameClass }
                    .max { $0.iou != $1.iou ? $0.iou < $1.iou : $0.other > $1.other }.map { ($0.other, $0.iou) }
            }
            if let (p, iou) = best(true), iou >= backgroundIoU {
                r.status = iou >= foregroundIoU ? .matched : .boundaryDrift; r.partner = otherBase + p; r.iou = iou
            } else if let (p, iou) = best(false), iou >= backgroundIoU {
                r.status = .classConfusion; r.partner = otherBase + p; r.iou = iou
            } else {
                r.status = unmatched; r.iou = best(true)?.1 ?? 0
            }
            return r
        }
        var judged = [Region]()
        for (g, region) in truthRegions.enumerated() {
            var r = region; r.image = image; r.isGroundTruth = true
            judged.append(judge(r, truthPartners[g], predictedRegions, otherBase: predictedBase, unmatched: .missed))
        }
        for (p, region) in predictedRegions.enumerated() {
            var r = region; r.image = image; r.isGroundTruth = false
            judged.append(judge(r, predictedPartners[p], truthRegions, otherBase: truthBase, unmatched: .falsePositive))
        }
        regions.append(contentsOf: judged)
    }

    /// 8-connected components of equal class (labels −1 for unlabelled pixels), in raster order of their first pixel.
    static func components(_ map: [Int], _ width: Int, _ height: Int) -> ([Int], [Region]) {
        var labels = [Int](repeating: -1, count: map.count)
        var regions = [Region]()
        var stack = [Int]()
        for start in map.indices where map[start] >= 0 && labels[start] < 0 {
            let c = map[start], label = regions.count
            var region = Region(image: 0, classId: c, isGroundTruth: true, pixelCount: 0, minX: width, minY: height,
                                maxX: -1, maxY: -1, status: .missed, partner: nil, iou: 0)
            labels[start] = label; stack.append(start)
            while let i = stack.popLast() {
                let x = i % width, y = i / width
                region.pixelCount += 1
                region.minX = min(region.minX, x); region.maxX = max(region.maxX, x)
                region.minY = min(region.minY, y); region.maxY = max(region.maxY, y)
                for dy in -1...1 { for dx in -1...1 where dx != 0 || dy != 0 {
                    let nx = x + dx, ny = y + dy
                    guard nx >= 0, nx < width, ny >= 0, ny < height else { continue }
                    let j = ny * width + nx
                    if labels[j] < 0 && map[j] == c { labels[j] = label; stack.append(j) }
                } }
            }
            regions.append(region)
        }
        return (labels, regions)
    }
}
