import Evaluation
import Failures
import Foundation

/// A semantic segmenter's iteration as the report shows it: mean IoU and region errors in the headline, per-class
/// IoU, Dice and boundary F, the pixel confusion matrix, and the failure set's regions drawn over the predicted mask.
public enum SegmentationIteration {
    /// Per analysed image i: `imageNames[i]` (what case records name it by), `images[i]` and `predictedMasks[i]` (its
    /// files) and `sizes[i]`.
    public static func record(name: String, analysis: SegmentationAnalysis, classNames: [String], imageNames: [String],
                              images: [String?], predictedMasks: [String], sizes: [(width: Int, height: Int)], source: String?,
                              cases: [(record: CaseRecord, status: String)], topErrors: [CaseRecord] = []) -> IterationRecord {
        func className(_ k: Int) -> String { classNames.indices.contains(k) ? classNames[k] : "class \(k)" }
        let statuses: [(SegmentationAnalysis.RegionStatus, String)] = [
            (.missed, "Miss"), (.boundaryDrift, "Loc"), (.classConfusion, "Cls"), (.falsePositive, "Bkg")]
        var headline = [NamedValue("mean IoU", analysis.meanIoU)]
        for (status, label) in statuses { headline.append(NamedValue("\(label) regions", Double(analysis.regionCount(status)), format: "count")) }
        let k = analysis.classCount
        let rows = (0..<k).map { c -> [String] in
            func f(_ v: Double?) -> String { v.map { String(format: "%.3f", $0) } ?? "—" }
            return [className(c), f(analysis.iou(classId: c)), f(analysis.dice(classId: c)), f(analysis.boundaryF(classId: c))]
                + statuses.map { String(analysis.regionCount($0.0, classId: c)) }
        }
        let errors = ErrorBreakdown(
            explanation: "Regions are connected components. Miss: an object region no prediction covers; Loc: found with IoU 0.1–0.5 "
                + "(boundary drift); Cls: covered by another class; Bkg: a predicted region over nothing of its class.",
            bars: statuses.map { NamedValue($0.1, Double(analysis.regionCount($0.0)), format: "count") },
            barsTitle: "Region errors by type",
            table: .init(header: ["class", "IoU", "Dice", "boundary F"] + statuses.map(\.1), rows: rows),
            confusion: .init(labels: (0..<k).map(className), counts: (0..<k).map { r in (0..<k).map { analysis.confusion[r * k + $0] } }))
        let index = Dictionary(imageNames.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        func snapshot(_ r: CaseRecord, status: String) -> CaseSnapshot {
            let i = index[r.image]
            let box = r.target.box ?? [0, 0, 0, 0]
            let role = r.error ?? (r.target.kind == .region ? "Bkg" : "tp")
            let what = switch r.error {
            case nil: "\(className(r.target.classId)) region segmented (IoU \(String(format: "%.2f", r.iou ?? 0)))"
            case "Miss": "\(className(r.target.classId)) region missed"
            case "Loc": "\(className(r.target.classId)) region with drifting boundary (IoU \(String(format: "%.2f", r.iou ?? 0)))"
            case "Cls": "\(className(r.target.classId)) region taken for \(r.predictedClass.map(className) ?? "?")"
            default: "\(className(r.target.classId)) predicted over nothing of its class"
            }
            return CaseSnapshot(id: r.key, image: i.flatMap { images[$0] }, imageWidth: i.map { sizes[$0].width } ?? 0,
                                imageHeight: i.map { sizes[$0].height } ?? 0, status: status, error: r.error,
                                confidence: r.confidence, detail: what + " — " + r.image,
                                boxes: [.init(box: box, label: className(r.target.classId), role: role)],
                                mask: i.map { predictedMasks[$0] })
        }
        var record = IterationRecord(name: name, task: "segmentation", source: source, headline: headline, errors: errors,
                                     cases: cases.map { snapshot($0.record, status: $0.status) }, topErrors: topErrors.map { snapshot($0, status: "error") })
        record.classNames = classNames
        return record
    }
}
