import Evaluation
import Failures
import Foundation

/// A detector's iteration as the report shows it, from its error analysis: COCO and TIDE headline, ΔAP per error
/// type, per-class error counts, confusion with background, precision–recall curves, and the failure set's cases
/// drawn with every ground truth and prediction on their image.
public enum DetectionIteration {
    /// Detections drawn on a case image: those TIDE looked at with at least this score, plus the case's own.
    static let drawnScore = 0.3

    /// `cases`: the failure set's case records at this iteration with their statuses (`failing` on the first).
    public static func record(name: String, analysis: ErrorAnalysis, source: String?, imageRoot: String?,
                              cases: [(record: CaseRecord, status: String)], topErrors: [CaseRecord] = []) -> IterationRecord {
        let gt = analysis.groundTruth, tide = analysis.tide
        let names = Dictionary(gt.categories.map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
        func className(_ id: Int) -> String { names[id] ?? "class \(id)" }
        let stats = analysis.coco.stats
        var headline = [NamedValue("AP", stats[0]), NamedValue("AP50", stats[1]), NamedValue("AP75", stats[2]),
                        NamedValue("AR100", stats[8])]
        headline.append(NamedValue("misses", Double(tide.errorCounts[.miss] ?? 0), format: "count"))
        headline.append(NamedValue("false positives", Double((tide.errorCounts[.bkg] ?? 0) + (tide.errorCounts[.dupe] ?? 0)), format: "count"))

        let tally = ErrorTally(groundTruth: gt, detections: analysis.detections, tide: tide)
        let keys = ["TP"] + TideErrorType.allCases.map(\.rawValue)
        let categoryIds = gt.categories.map(\.id).sorted()
        let rows = categoryIds.map { id -> [String] in
            let counts = tally.byCategory[id] ?? [:]
            let ap = analysis.coco.averagePrecision(categoryId: id)
            return [className(id), ap < 0 ? "—" : String(format: "%.3f", ap)] + keys.map { String(counts[$0] ?? 0) }
        }
        let confusion = DetectionConfusion(groundTruth: gt, detections: analysis.detections, tide: tide)
        let n = categoryIds.count + 1
        let matrix = (0..<n).map { r in (0..<n).map { c in confusion.count(groundTruthRow: r, predictedColumn: c) } }
        let curves = categoryIds.prefix(12).map { ErrorBreakdown.Curve(name: className($0), precision: analysis.coco.precisionRecallCurve(categoryId: $0)) }
        let errors = ErrorBreakdown(
            explanation: "ΔAP50 is how much AP50 would rise if every error of that type were fixed (TIDE). "
                + "Cls: right place, wrong class; Loc: right class, IoU 0.1–0.5; Both: both wrong; Dupe: a second box on a found object; "
                + "Bkg: a box on nothing; Miss: an object no box found.",
            bars: TideErrorType.allCases.map { NamedValue($0.rawValue, tide.mainErrors[$0] ?? 0, format: "plain") },
            barsTitle: "ΔAP50 per error type",
            table: .init(header: ["class", "AP"] + keys, rows: rows),
            confusion: .init(labels: categoryIds.map(className) + ["background"], counts: matrix),
            precisionRecall: curves.filter { !$0.precision.isEmpty && $0.precision.contains { $0 >= 0 } })

        let images = Dictionary(gt.images.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        var gtByImage = [Int: [Int]](), detByImage = [Int: [Int]]()
        for (g, ann) in gt.annotations.enumerated() { gtByImage[ann.imageId, default: []].append(g) }
        for (d, det) in analysis.detections.enumerated() { detByImage[det.imageId, default: []].append(d) }
        func snapshot(_ record: CaseRecord, status: String) -> CaseSnapshot {
            let imageId = Int(record.image) ?? -1
            let info = images[imageId]
            var boxes = [CaseSnapshot.Box]()
            for g in gtByImage[imageId] ?? [] {
                let ann = gt.annotations[g], status = tide.groundTruth[g].status
                boxes.append(.init(box: array(ann.box), label: className(ann.categoryId), role: status == .miss ? "Miss" : "gt"))
            }
            for d in detByImage[imageId] ?? [] {
                let det = analysis.detections[d], label = tide.detections[d]
                guard let box = det.box, label.kind != .notEvaluated else { continue }
                let own = record.target.box.map { $0 == array(box) } ?? false
                guard det.score >= drawnScore || own else { continue }
                boxes.append(.init(box: array(box), label: "\(className(det.categoryId)) \(String(format: "%.2f", det.score))",
                                   role: label.kind == .truePositive ? "tp" : label.kind.rawValue))
            }
            return CaseSnapshot(
                id: record.key, image: info?.fileName.flatMap { path(imageRoot, $0) }, imageWidth: info?.width ?? 0,
                imageHeight: info?.height ?? 0, status: status, error: record.error, confidence: record.confidence,
                detail: describe(record, className: className), boxes: boxes)
        }
        return IterationRecord(name: name, task: "detection", source: source, headline: headline, errors: errors,
                               cases: cases.map { snapshot($0.record, status: $0.status) }, topErrors: topErrors.map { snapshot($0, status: "error") })
    }

    static func describe(_ record: CaseRecord, className: (Int) -> String) -> String {
        let truth = className(record.target.classId)
        let predicted = record.predictedClass.map(className)
        let iou = record.iou.map { String(format: "IoU %.2f", $0) }
        let score = String(format: "%.2f", record.confidence)
        switch record.error {
        case nil: return "\(truth) found" + (iou.map { " (\($0))" } ?? "")
        case "Miss": return "\(truth) not detected"
        case "Cls": return "\(truth) detected as \(predicted ?? "?") at \(score)"
        case "Loc": return "\(truth) poorly localised at \(score)" + (iou.map { " (\($0))" } ?? "")
        case "Bkg": return "\(predicted ?? truth) at \(score) on background"
        case "Dupe": return "duplicate \(predicted ?? truth) at \(score)"
        case "Both": return "\(predicted ?? truth) at \(score): wrong class and poorly localised" + (iou.map { " (\($0))" } ?? "")
        case let other?: return "\(other): \(truth)"
        }
    }

    private static func array(_ b: BoundingBox) -> [Double] { [b.x, b.y, b.width, b.height] }
    /// The image inside `root`; nil (drawn as a blank canvas, never read) for a name that would leave it (`..`, absolute).
    public static func path(_ root: String?, _ file: String) -> String? {
        guard let root, !file.hasPrefix("/"), !file.split(separator: "/").contains("..") else { return nil }
        return URL(fileURLWithPath: root).appendingPathComponent(file).path
    }
}
