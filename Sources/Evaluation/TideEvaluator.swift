import Dispatch

/// TIDE error analysis with tidecv 1.0.1 semantics (`TIDERun`, `TIDEExample`, `fix_errors`):
/// foreground IoU 0.5, background IoU 0.1, at most 100 detections per image across classes.
public enum TideEvaluator {
    public static let foregroundIoU = 0.5
    public static let backgroundIoU = 0.1
    public static let maxDetectionsPerImage = 100

    public static func evaluate(groundTruth: CocoGroundTruth, detections: [Detection], iouType: IoUType) throws -> TideResult {
        let geometry = try MatchGeometry(groundTruth: groundTruth, detections: detections, iouType: iouType)
        return evaluate(groundTruth: groundTruth, detections: detections, geometry: geometry)
    }

    static func evaluate(groundTruth: CocoGroundTruth, detections: [Detection], geometry: MatchGeometry) -> TideResult {
        var run = TideRun(groundTruth: groundTruth, detections: detections, geometry: geometry)
        run.run()
        return run.result()
    }
}

/// One pass over the images, then the AP recomputations with each error type fixed.
struct TideRun {
    enum Fix { case none, point(classId: Int, score: Double), removeGroundTruth(classId: Int) }

    struct TideError {
        var type: TideErrorType
        var detection: Int?
        var groundTruth: Int?
        /// The unfixed data point, when the detection counts for AP (not inside a crowd).
        var original: TideAPData.Point?
        var originalClass: Int
        /// Cls/Loc: the ground truth was still unused when the error was found.
        var canFix: Bool
    }

    let groundTruth: CocoGroundTruth
    let detections: [Detection]
    let geometry: MatchGeometry

    var ap = TideAPData()
    var errors = [TideError]()
    var falseNegatives = [Int: Int]()
    // Per ground truth (annotation index): tidecv's 'used', 'usable', 'best_score', 'best_id'.
    var gtUsed: [Bool], gtUsable: [Bool], gtBestScore: [Double], gtBestDetection: [Int]
    var gtMatchedDetection: [Int?]
    var labels: [TideDetectionLabel]

    init(groundTruth: CocoGroundTruth, detections: [Detection], geometry: MatchGeometry) {
        self.groundTruth = groundTruth; self.detections = detections; self.geometry = geometry
        let n = groundTruth.annotations.count
        gtUsed = .init(repeating: false, count: n); gtUsable = gtUsed
        gtBestScore = .init(repeating: -1, count: n); gtBestDetection = .init(repeating: -1, count: n)
        gtMatchedDetection = .init(repeating: nil, count: n)
        labels = .init(repeating: TideDetectionLabel(kind: .notEvaluated, groundTruthIndex: nil, iou: 0, insideCrowd: false),
                       count: detections.count)
    }

    mutating func run() {
        // Images in the ground truth's file order (tidecv's dict order), first occurrence of an id.
        var seen = Set<Int>()
        let uniqueImageIds = groundTruth.images.map(\.id).filter { seen.insert($0).inserted }
        let imageIndex = IdIndex(uniqueImageIds)
        let gtByImage = GroupIndex(count: imageIndex.count, keys: groundTruth.annotations.map { imageIndex[$0.imageId]! })
        let detByImage = GroupIndex(count: imageIndex.count, keys: detections.map { imageIndex[$0.imageId]! })
        for category in groundTruth.categories { falseNegatives[category.id] = 0 }
        for image in 0..<imageIndex.count {
            evaluateImage(Array(detByImage.members(image)), Array(gtByImage.members(image)))
        }
    }

    private mutating func evaluateImage(_ imageDetections: [Int], _ imageAnnotations: [Int]) {
        let annotations = groundTruth.annotations
        let gts = imageAnnotations.filter { !annotations[$0].isCrowd }
        let crowds = imageAnnotations.filter { annotations[$0].isCrowd }
        for g in gts { ap.addGroundTruth(annotations[g].categoryId, 1) }

        if imageDetections.isEmpty {
            for g in gts { addMiss(g) }
            return
        }
        let preds = Array(imageDetections.sorted { a, b in
            detections[a].score > detections[b].score || (detections[a].score == detections[b].score && a < b)
        }.prefix(TideEvaluator.maxDetectionsPerImage))
        let P = preds.count, G = gts.count

        var iou = [Double](repeating: 0, count: P * G)
        var sameClass = [Bool](repeating: false, count: P * G)
        for (i, d) in preds.enumerated() { for (j, g) in gts.enumerated() {
            iou[i * G + j] = geometry.iou(detection: d, groundTruth: g, crowd: false)
            sameClass[i * G + j] = detections[d].categoryId == annotations[g].categoryId
        } }
        @inline(__always) func classIoU(_ i: Int, _ j: Int) -> Double { sameClass[i * G + j] ? iou[i * G + j] : 0 }

        // Greedy matching in score order on same-class IoU; the first maximum wins (np.argmax).
        var used = [Bool?](repeating: false, count: P)  // nil: inside a crowd region
        var matched = [Int?](repeating: nil, count: P)
        var columnTaken = [Bool](repeating: false, count: G)
        for i in 0..<P {
            var best = -1, bestValue = 0.0
            for j in 0..<G {
                let v = columnTaken[j] ? 0 : classIoU(i, j)
                if best < 0 || v > bestValue { best = j; bestValue = v }
            }
            if G > 0 && bestValue >= TideEvaluator.foregroundIoU {
                used[i] = true; matched[i] = best; columnTaken[best] = true
                gtUsed[gts[best]] = true; gtMatchedDetection[gts[best]] = preds[i]
            }
        }
        // Crowd regions swallow unmatched detections of their class (crowd IoU = inter / det area).
        for c in crowds {
            for (i, d) in preds.enumerated() where used[i] != true {
                if detections[d].categoryId == annotations[c].categoryId,
                   geometry.iou(detection: d, groundTruth: c, crowd: true) > TideEvaluator.foregroundIoU {
                    used[i] = nil
                }
            }
        }

        for (i, d) in preds.enumerated() {
            let det = detections[d]
            if let isTrue = used[i] { ap.push(det.categoryId, .init(score: det.score, correct: isTrue)) }
            if used[i] == true {
                labels[d] = .init(kind: .truePositive, groundTruthIndex: gts[matched[i]!], iou: iou[i * G + matched[i]!], insideCrowd: false)
                continue
            }
            let insideCrowd = used[i] == nil
            let original: TideAPData.Point? = insideCrowd ? nil : .init(score: det.score, correct: false)
            func label(_ kind: TideDetectionLabel.Kind, _ j: Int?, _ value: Double) {
                labels[d] = .init(kind: kind, groundTruthIndex: j.map { gts[$0] }, iou: value, insideCrowd: insideCrowd)
            }
            if G == 0 {
                errors.append(.init(type: .bkg, detection: d, groundTruth: nil, original: original, originalClass: det.categoryId, canFix: false))
                label(.bkg, nil, 0)
                continue
            }
            // The four arg-maxima tidecv tests in turn (first maximum wins, as np.argmax), in one sweep:
            // same class, other class, same class among used ground truths, any class.
            var locIndex = 0, locIoU = classIoU(i, 0)
            var clsIndex = 0, clsIoU = sameClass[i * G] ? 0 : iou[i * G]
            var dupeIndex = 0, dupeIoU = gtUsed[gts[0]] ? locIoU : 0
            var anyIndex = 0, anyIoU = iou[i * G]
            for j in 1..<G {
                let v = iou[i * G + j], same = sameClass[i * G + j]
                let sameValue = same ? v : 0, otherValue = same ? 0 : v, usedValue = gtUsed[gts[j]] ? sameValue : 0
                if sameValue > locIoU { locIndex = j; locIoU = sameValue }
                if otherValue > clsIoU { clsIndex = j; clsIoU = otherValue }
                if usedValue > dupeIoU { dupeIndex = j; dupeIoU = usedValue }
                if v > anyIoU { anyIndex = j; anyIoU = v }
            }
            if TideEvaluator.backgroundIoU <= locIoU && locIoU <= TideEvaluator.foregroundIoU {
                addFixableError(.loc, detection: d, groundTruth: gts[locIndex], original: original)
                label(.loc, locIndex, locIoU)
                continue
            }
            if clsIoU >= TideEvaluator.foregroundIoU {
                addFixableError(.cls, detection: d, groundTruth: gts[clsIndex], original: original)
                label(.cls, clsIndex, clsIoU)
                continue
            }
            if dupeIoU >= TideEvaluator.foregroundIoU {
                errors.append(.init(type: .dupe, detection: d, groundTruth: gts[dupeIndex], original: original, originalClass: det.categoryId, canFix: false))
                label(.dupe, dupeIndex, dupeIoU)
                continue
            }
            let type: TideErrorType = anyIoU <= TideEvaluator.backgroundIoU ? .bkg : .both
            errors.append(.init(type: type, detection: d, groundTruth: nil, original: original, originalClass: det.categoryId, canFix: false))
            if type == .bkg { label(.bkg, nil, anyIoU) } else { label(.both, anyIndex, anyIoU) }
        }

        for g in gts where !gtUsed[g] {
            falseNegatives[annotations[g].categoryId, default: 0] += 1
            if !gtUsable[g] { errors.append(.init(type: .miss, detection: nil, groundTruth: g, original: nil, originalClass: annotations[g].categoryId, canFix: true)) }
        }
    }

    private mutating func addMiss(_ g: Int) {
        let classId = groundTruth.annotations[g].categoryId
        falseNegatives[classId, default: 0] += 1
        errors.append(.init(type: .miss, detection: nil, groundTruth: g, original: nil, originalClass: classId, canFix: true))
    }

    /// Cls and Loc (`BestGTMatch`): only an unused ground truth can be fixed, and only by its
    /// highest-scoring error (the first one on equal scores).
    private mutating func addFixableError(_ type: TideErrorType, detection d: Int, groundTruth g: Int, original: TideAPData.Point?) {
        let canFix = !gtUsed[g]
        if canFix {
            gtUsable[g] = true
            if gtBestScore[g] < detections[d].score { gtBestScore[g] = detections[d].score; gtBestDetection[g] = d }
        }
        errors.append(.init(type: type, detection: d, groundTruth: g, original: original, originalClass: detections[d].categoryId, canFix: canFix))
    }

    func fixed(_ e: TideError) -> Fix {
        switch e.type {
        case .cls, .loc:
            guard e.canFix, let d = e.detection, let g = e.groundTruth, gtBestDetection[g] == d else { return .none }
            // Cls moves the detection to the ground truth's class; Loc keeps its (equal) class.
            let classId = e.type == .cls ? groundTruth.annotations[g].categoryId : e.originalClass
            return .point(classId: classId, score: detections[d].score)
        case .miss:
            return .removeGroundTruth(classId: e.originalClass)
        case .both, .dupe, .bkg:
            return .none
        }
    }

    func result() -> TideResult {
        let base = ap.meanAP
        let fixes = FixedAPCalculator(self)
        // The six fixed copies and the two special ones are independent: spread them over two workers
        // (COCO is usually done by now and its core idle).
        let types = TideErrorType.allCases
        let jobs = types.count + 2
        let values = UnsafeMutableBufferPointer<Double>.allocate(capacity: jobs)
        defer { values.deallocate() }
        let slots = SendableBuffer(buffer: values)
        DispatchQueue.concurrentPerform(iterations: 2) { worker in
            for job in stride(from: worker, to: jobs, by: 2) {
                slots.buffer[job] = job < types.count ? fixes.meanAP(fixing: types[job])
                    : job == types.count ? fixes.meanAP(fixing: nil, perfectRanking: true)
                    : fixes.meanAP(fixing: nil, dropFalseNegatives: true)
            }
        }
        var main = [TideErrorType: Double]()
        for (j, type) in types.enumerated() { main[type] = max(values[j] - base, 0) }
        let falsePositive = values[types.count] - base
        let falseNegative = values[types.count + 1] - base
        var counts = [TideErrorType: Int]()
        for e in errors { counts[e.type, default: 0] += 1 }

        var gtLabels = groundTruth.annotations.indices.map { g -> TideGroundTruthLabel in
            if groundTruth.annotations[g].isCrowd { return .init(status: .crowd, detectionIndex: nil) }
            if gtUsed[g] { return .init(status: .truePositive, detectionIndex: gtMatchedDetection[g]) }
            return .init(status: .miss, detectionIndex: nil)
        }
        for e in errors where e.canFix && (e.type == .cls || e.type == .loc) {
            guard let g = e.groundTruth, let d = e.detection, gtBestDetection[g] == d, !gtUsed[g] else { continue }
            gtLabels[g] = .init(status: e.type == .cls ? .cls : .loc, detectionIndex: d)
        }
        return TideResult(ap50: base, mainErrors: main, falsePositive: falsePositive, falseNegative: falseNegative,
                          errorCounts: counts, detections: labels, groundTruth: gtLabels)
    }
}
