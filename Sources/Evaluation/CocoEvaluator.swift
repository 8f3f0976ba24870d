import Foundation

/// COCO detection evaluation with pycocotools 2.0.x semantics (`COCOeval.evaluate` + `accumulate`).
///
/// Work is split by category: each category's (image, category) groups are matched and accumulated
/// independently, so categories run in parallel and no per-image result list is ever materialised.
public enum CocoEvaluator {
    public static func evaluate(groundTruth: CocoGroundTruth, detections: [Detection], iouType: IoUType,
                                parameters: CocoParameters = CocoParameters()) throws -> CocoEvaluation {
        let geometry = try MatchGeometry(groundTruth: groundTruth, detections: detections, iouType: iouType)
        return evaluate(groundTruth: groundTruth, detections: detections, geometry: geometry, parameters: parameters)
    }

    /// `threads`: categories are spread over this many workers (1 when another job already uses the other core).
    static func evaluate(groundTruth: CocoGroundTruth, detections: [Detection], geometry: MatchGeometry,
                         parameters p: CocoParameters, threads: Int = 2) -> CocoEvaluation {
        let imageIds = Array(Set(groundTruth.images.map(\.id))).sorted()
        let categoryIds = Array(Set(groundTruth.categories.map(\.id))).sorted()
        let imageIndex = IdIndex(imageIds), categoryIndex = IdIndex(categoryIds)
        let K = categoryIds.count
        let T = p.iouThresholds.count, R = p.recallThresholds.count, A = p.areaRanges.count, M = p.maxDetections.count

        // Per category, ground truths and detections ordered by image id (then file order; detections
        // by score first). No table over all (image, category) pairs: memory stays proportional to the input.
        let gtImage = groundTruth.annotations.map { Int32(imageIndex[$0.imageId]!) }
        let detImage = detections.map { Int32(imageIndex[$0.imageId]!) }
        var gtGroups = GroupIndex(count: K, keys: groundTruth.annotations.map { categoryIndex[$0.categoryId]! })
        var detGroups = GroupIndex(count: K, keys: detections.map { categoryIndex[$0.categoryId]! })
        gtGroups.sortMembers { a, b in gtImage[a] < gtImage[b] || (gtImage[a] == gtImage[b] && a < b) }
        // Highest score first within an image; equal scores keep file order (numpy mergesort is stable).
        detGroups.sortMembers { a, b in
            if detImage[a] != detImage[b] { return detImage[a] < detImage[b] }
            let sa = detections[a].score, sb = detections[b].score
            return sa > sb || (sa == sb && a < b)
        }

        var precision = [Double](repeating: -1, count: T * R * K * A * M)
        var recall = [Double](repeating: -1, count: T * K * A * M)
        let categoryResults = UnsafeMutableBufferPointer<CategoryResult?>.allocate(capacity: K)
        categoryResults.initialize(repeating: nil)
        defer { categoryResults.deallocate() }
        let input = CategoryInput(geometry: geometry, gtArea: groundTruth.annotations.map(\.area),
                                  gtCrowd: groundTruth.annotations.map(\.isCrowd),
                                  gtHasZeroId: groundTruth.annotations.map { $0.id == 0 },
                                  gtImage: gtImage,
                                  detections: detGroups.items.map { d in
                                      DetectionRecord(score: detections[d].score, area: geometry.detectionAreas[d],
                                                      box: geometry.detectionBoxes[d], index: d, image: detImage[d])
                                  },
                                  gtGroups: gtGroups, detGroups: detGroups, parameters: p)
        let results = SendableBuffer(buffer: categoryResults)
        // Workers take every `threads`-th category: few, long tasks keep dispatch from spinning.
        let workers = max(1, min(threads, K))
        DispatchQueue.concurrentPerform(iterations: workers) { w in
            for k in stride(from: w, to: K, by: workers) { results.buffer[k] = evaluateCategory(k, input) }
        }
        for k in 0..<K {
            guard let result = categoryResults[k] else { continue }
            for t in 0..<T { for a in 0..<A { for m in 0..<M {
                recall[((t * K + k) * A + a) * M + m] = result.recall[(t * A + a) * M + m]
                for r in 0..<R {
                    precision[(((t * R + r) * K + k) * A + a) * M + m] = result.precision[((t * R + r) * A + a) * M + m]
                }
            } } }
        }
        return CocoEvaluation(parameters: p, categoryIds: categoryIds, precision: precision, recall: recall)
    }

    // MARK: per category

    struct CategoryInput: @unchecked Sendable {
        let geometry: MatchGeometry
        // Compact copies of the fields the inner loops read (no struct copies, no retains).
        let gtArea: [Double]
        let gtCrowd: [Bool]
        let gtHasZeroId: [Bool]
        let gtImage: [Int32]
        /// Detections in group order (category, image, score), so each category reads them sequentially.
        let detections: [DetectionRecord]
        let gtGroups: GroupIndex
        let detGroups: GroupIndex
        let parameters: CocoParameters
    }

    struct DetectionRecord { var score: Double; var area: Double; var box: BoundingBox; var index: Int; var image: Int32 }

    /// precision [T][R][A][M] and recall [T][A][M] of one category; nil entries stay -1.
    struct CategoryResult { var precision: [Double]; var recall: [Double] }

    /// Outcome of one detection at one IoU threshold and area range.
    enum Outcome: UInt8 { case ignored = 0, truePositive = 1, falsePositive = 2 }

    static func evaluateCategory(_ k: Int, _ input: CategoryInput) -> CategoryResult? {
        let p = input.parameters
        let T = p.iouThresholds.count, A = p.areaRanges.count
        let maxDet = p.maxDetections.max() ?? 100
        let gtArea = input.gtArea, gtCrowd = input.gtCrowd, gtHasZeroId = input.gtHasZeroId
        let records = input.detections, isBox = input.geometry.iouType == .bbox
        let gtBoxes = input.geometry.groundTruthBoxes
        let thresholds = p.iouThresholds.map { min($0, 1 - 1e-10) }

        // Everything the accumulation needs, concatenated over images in image-id order.
        var scores = [Double](), ranks = [Int32](), outcomes = [UInt8]()  // outcomes: [det][A][T]
        var nonIgnoredGT = [Int](repeating: 0, count: A)
        // Scratch reused across images: IoU [D][G]; per area the ignore flags (file order), the match
        // order and, per (threshold, detection), the matched ground truth (file-order index or -1).
        var iou = [Double](), ignored = [[Bool]](repeating: [], count: A), matches = [[Int]](repeating: [], count: A)
        var order = [Int](), taken = [Bool]()

        // Walk the category's ground truths and detections image by image (both are in image order).
        let allGTs = input.gtGroups.members(k)
        let detEnd = input.detGroups.offsets[k + 1]
        var nextGT = allGTs.startIndex, nextDet = input.detGroups.offsets[k]
        while nextGT < allGTs.endIndex || nextDet < detEnd {
            let image = min(nextGT < allGTs.endIndex ? input.gtImage[allGTs[nextGT]] : .max,
                            nextDet < detEnd ? records[nextDet].image : .max)
            let gtStart = nextGT
            while nextGT < allGTs.endIndex && input.gtImage[allGTs[nextGT]] == image { nextGT += 1 }
            let gts = allGTs[gtStart..<nextGT]
            let first = nextDet
            while nextDet < detEnd && records[nextDet].image == image { nextDet += 1 }
            let dts = first..<min(nextDet, first + maxDet)  // positions in `records`
            let D = dts.count, G = gts.count

            let base = scores.count
            for (rank, d) in dts.enumerated() { scores.append(records[d].score); ranks.append(Int32(rank)) }
            if G == 0 {
                // Nothing to match: a false positive unless its area is outside the range.
                for d in dts {
                    for a in 0..<A {
                        let r = p.areaRanges[a]
                        let o = records[d].area < r.lower || records[d].area > r.upper ? Outcome.ignored : .falsePositive
                        outcomes.append(contentsOf: repeatElement(o.rawValue, count: T))
                    }
                }
                continue
            }
            outcomes.append(contentsOf: repeatElement(0, count: D * A * T))

            // IoU [D][G] with ground truths in file order.
            iou.removeAll(keepingCapacity: true)
            for d in dts {
                for g in gts {
                    iou.append(isBox ? Overlap.boxIoU(records[d].box, gtBoxes[g], crowd: gtCrowd[g])
                                     : input.geometry.iou(detection: records[d].index, groundTruth: g, crowd: gtCrowd[g]))
                }
            }

            for a in 0..<A {
                let range = p.areaRanges[a]
                ignored[a].removeAll(keepingCapacity: true)
                for g in gts { ignored[a].append(gtCrowd[g] || gtArea[g] < range.lower || gtArea[g] > range.upper) }
                for flag in ignored[a] where !flag { nonIgnoredGT[a] += 1 }

                // Areas with the same ignore flags match identically: reuse.
                if let same = (0..<a).first(where: { ignored[$0] == ignored[a] }) {
                    matches[a] = matches[same]
                } else {
                    matches[a].removeAll(keepingCapacity: true)
                    // Crowds and out-of-range ground truths go last, stably (mergesort on the flag).
                    order.removeAll(keepingCapacity: true)
                    for j in 0..<G where !ignored[a][j] { order.append(j) }
                    for j in 0..<G where ignored[a][j] { order.append(j) }
                    for t in 0..<T {
                        taken.removeAll(keepingCapacity: true)
                        taken.append(contentsOf: repeatElement(false, count: G))
                        for dIndex in 0..<D {
                            var best = thresholds[t]
                            var m = -1
                            for o in 0..<G {
                                let j = order[o]
                                if taken[o] && !gtCrowd[gts[gts.startIndex + j]] { continue }
                                // Once matched to a regular ground truth, ignored ones cannot take over.
                                if m > -1 && !ignored[a][order[m]] && ignored[a][j] { break }
                                let value = iou[dIndex * G + j]
                                if value < best { continue }
                                best = value; m = o
                            }
                            if m >= 0 { taken[m] = true }
                            matches[a].append(m >= 0 ? order[m] : -1)
                        }
                    }
                }

                for t in 0..<T {
                    for (dIndex, d) in dts.enumerated() {
                        let j = matches[a][t * D + dIndex]
                        var outcome = Outcome.falsePositive
                        // pycocotools stores the ground-truth id; an id of 0 reads as "unmatched".
                        var isMatched = false
                        if j >= 0 {
                            let g = gts[gts.startIndex + j]
                            isMatched = !gtHasZeroId[g]
                            outcome = ignored[a][j] ? .ignored : (isMatched ? .truePositive : .falsePositive)
                        }
                        if !isMatched && outcome != .ignored && (records[d].area < range.lower || records[d].area > range.upper) {
                            outcome = .ignored
                        }
                        outcomes[((base + dIndex) * A + a) * T + t] = outcome.rawValue
                    }
                }
            }
        }
        if nonIgnoredGT.allSatisfy({ $0 == 0 }) { return nil }

        return accumulate(scores: scores, ranks: ranks, outcomes: outcomes, nonIgnoredGT: nonIgnoredGT, parameters: p)
    }

    /// `accumulate` for one category. One stable order by score serves every area range and maxDets
    /// (a filtered stable sort is the stable sort of the filtered list). Only true positives move the
    /// interpolated curve: recall steps at each of them and, after the envelope, the precision at a
    /// recall point is the best precision at any later true positive; so each pass just counts false
    /// positives between true positives.
    static func accumulate(scores: [Double], ranks: [Int32], outcomes: [UInt8], nonIgnoredGT: [Int],
                           parameters p: CocoParameters) -> CategoryResult {
        let T = p.iouThresholds.count, A = p.areaRanges.count, M = p.maxDetections.count, R = p.recallThresholds.count
        let n = scores.count
        let order = ScoreOrder.descending(scores)
        // Outcomes regathered in score order, one contiguous row per (area, threshold).
        var sorted = [UInt8](repeating: 0, count: n * A * T)
        var sortedRanks = [Int32](repeating: 0, count: n)
        for (position, i) in order.enumerated() {
            sortedRanks[position] = ranks[i]
            for a in 0..<A { for t in 0..<T { sorted[(a * T + t) * n + position] = outcomes[(i * A + a) * T + t] } }
        }
        let maxRank = Int(sortedRanks.max() ?? 0)

        var result = CategoryResult(precision: [Double](repeating: -1, count: T * R * A * M),
                                    recall: [Double](repeating: -1, count: T * A * M))
        var truePositivePrecision = [Double]()
        sorted.withUnsafeBufferPointer { rows in
            for a in 0..<A where nonIgnoredGT[a] > 0 {
                let npig = Double(nonIgnoredGT[a])
                var computedLimits = [(limit: Int, m: Int)]()
                for (m, maxDet) in p.maxDetections.enumerated() {
                    // maxDets beyond every image's detection count change nothing: copy the earlier result.
                    let limit = min(maxDet, maxRank + 1)
                    if let same = computedLimits.first(where: { $0.limit == limit }) {
                        for t in 0..<T {
                            result.recall[(t * A + a) * M + m] = result.recall[(t * A + a) * M + same.m]
                            for r in 0..<R { result.precision[((t * R + r) * A + a) * M + m] = result.precision[((t * R + r) * A + a) * M + same.m] }
                        }
                        continue
                    }
                    computedLimits.append((limit, m))
                    for t in 0..<T {
                        let row = rows.baseAddress! + (a * T + t) * n
                        truePositivePrecision.removeAll(keepingCapacity: true)
                        var tp = 0.0, fp = 0.0
                        for i in 0..<n where sortedRanks[i] < Int32(limit) {
                            let o = row[i]
                            if o == Outcome.truePositive.rawValue {
                                tp += 1
                                truePositivePrecision.append(tp / (fp + tp + Double.ulpOfOne))
                            } else if o == Outcome.falsePositive.rawValue {
                                fp += 1
                            }
                        }
                        result.recall[(t * A + a) * M + m] = tp / npig
                        // Envelope over true positives: best precision at this or any later one.
                        var k = truePositivePrecision.count - 1
                        while k > 0 { if truePositivePrecision[k] > truePositivePrecision[k - 1] { truePositivePrecision[k - 1] = truePositivePrecision[k] }; k -= 1 }
                        // searchsorted(rc, recThrs, 'left'): the first true positive whose recall reaches the point.
                        var j = 0
                        for r in 0..<R {
                            let threshold = p.recallThresholds[r]
                            while j < truePositivePrecision.count && Double(j + 1) / npig < threshold { j += 1 }
                            // Threshold 0 is reached at the first position even before any true positive.
                            let value = j < truePositivePrecision.count ? truePositivePrecision[j] : 0
                            result.precision[((t * R + r) * A + a) * M + m] = value
                        }
                    }
                }
            }
        }
        return result
    }
}

/// Members of each group in ascending key order, stable (counting sort); the CSR layout avoids one
/// array per (image, category) pair.
struct GroupIndex: Sendable {
    private(set) var offsets: [Int]
    private(set) var items: [Int]

    init(count: Int, keys: [Int]) {
        var offsets = [Int](repeating: 0, count: count + 1)
        for key in keys { offsets[key + 1] += 1 }
        for i in 0..<count { offsets[i + 1] += offsets[i] }
        var cursor = offsets
        var items = [Int](repeating: 0, count: keys.count)
        for (i, key) in keys.enumerated() { items[cursor[key]] = i; cursor[key] += 1 }
        self.offsets = offsets; self.items = items
    }

    @inline(__always) func members(_ key: Int) -> ArraySlice<Int> { items[offsets[key]..<offsets[key + 1]] }

    mutating func sortMembers(by less: (Int, Int) -> Bool) {
        for key in 0..<(offsets.count - 1) where offsets[key + 1] - offsets[key] > 1 {
            items[offsets[key]..<offsets[key + 1]].sort(by: less)
        }
    }
}

/// Lets `concurrentPerform` workers write disjoint slots of one buffer.
struct SendableBuffer<T>: @unchecked Sendable { let buffer: UnsafeMutableBufferPointer<T> }
