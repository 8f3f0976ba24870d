/// The `fovea errors --json` document (keys fixed by the CLI contract; new keys may be added, never renamed):
/// `coco` (pycocotools stats as fractions), `tide` (tidecv units, AP × 100), `detections` and
/// `ground_truth` (every entry labelled), plus `families`, `per_class` (AP, PR curve, error counts),
/// `per_image` (error counts) and `confusion`.
extension ErrorAnalysis {
    public func jsonReport() -> String { String(decoding: jsonReportBytes(), as: UTF8.self) }

    /// The report as UTF-8 bytes, newline-terminated.
    public func jsonReportBytes() -> [UInt8] {
        var w = JSONTextWriter(capacity: detections.count * 160 + groundTruth.annotations.count * 90 + (1 << 16))
        let stats = coco.stats
        w.open("{")
        w.key("iou_type"); w.string(iouType.rawValue)
        w.key("coco"); w.open("{")
        for (name, value) in zip(CocoEvaluation.statNames, stats) { w.key(name); w.number(value) }
        w.close("}")

        w.key("tide"); w.open("{")
        w.key("main"); w.open("{")
        for type in TideErrorType.allCases { w.key(type.rawValue); w.number(tide.mainErrors[type] ?? 0) }
        w.close("}")
        w.key("special"); w.open("{")
        w.key("FalsePos"); w.number(tide.falsePositive)
        w.key("FalseNeg"); w.number(tide.falseNegative)
        w.close("}")
        w.key("AP50"); w.number(tide.ap50)
        w.key("counts"); w.open("{")
        for type in TideErrorType.allCases { w.key(type.rawValue); w.integer(tide.errorCounts[type] ?? 0) }
        w.close("}")
        w.close("}")

        // The four families of the issue: misses, false positives, localization drift, confusion.
        w.key("families"); w.open("{")
        for (name, types) in [("misses", [TideErrorType.miss]), ("false_positives", [.bkg, .dupe]),
                              ("localization", [.loc]), ("confusion", [.cls, .both])] {
            w.key(name); w.open("{")
            w.key("count"); w.integer(types.reduce(0) { $0 + (tide.errorCounts[$1] ?? 0) })
            w.key("dAP"); w.number(types.reduce(0.0) { $0 + (tide.mainErrors[$1] ?? 0) })
            w.close("}")
        }
        w.close("}")

        let tally = ErrorTally(groundTruth: groundTruth, detections: detections, tide: tide)
        func counts(_ values: [String: Int]) {
            w.open("{")
            for key in ErrorTally.keys { w.key(key); w.integer(values[key] ?? 0) }
            w.close("}")
        }
        w.key("per_class"); w.open("[")
        let names = Dictionary(groundTruth.categories.map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
        for id in coco.categoryIds {
            w.element(); w.open("{")
            w.key("category_id"); w.integer(id)
            w.key("name"); w.string(names[id] ?? "")
            w.key("AP"); w.number(coco.averagePrecision(categoryId: id))
            w.key("errors"); counts(tally.byCategory[id] ?? [:])
            w.key("precision_iou50"); w.open("[")
            for p in coco.precisionRecallCurve(categoryId: id, iouIndex: 0) { w.element(); w.number(p) }
            w.close("]")
            w.close("}")
        }
        w.close("]")

        w.key("per_image"); w.open("[")
        for (imageId, values) in tally.byImage {
            w.element(); w.open("{")
            w.key("image_id"); w.integer(imageId)
            w.key("errors"); counts(values)
            w.close("}")
        }
        w.close("]")

        let confusion = DetectionConfusion(groundTruth: groundTruth, detections: detections, tide: tide)
        w.key("confusion"); w.open("{")
        w.key("classes"); w.open("[")
        for id in confusion.categoryIds { w.element(); w.integer(id) }
        w.element(); w.string("background")
        w.close("]")
        w.key("matrix"); w.open("[")
        let n = confusion.categoryIds.count + 1
        for row in 0..<n {
            w.element(); w.open("[")
            for column in 0..<n { w.element(); w.integer(confusion.count(groundTruthRow: row, predictedColumn: column)) }
            w.close("]")
        }
        w.close("]")
        w.close("}")

        w.key("detections"); w.open("[")
        for index in detections.indices {
            let label = tide.detections[index]
            let det = DetectionFields(detections, index)
            w.element(); w.open("{")
            w.key("index"); w.integer(index)
            w.key("image_id"); w.integer(det.imageId)
            w.key("category_id"); w.integer(det.categoryId)
            w.key("score"); w.number(det.score)
            w.key("error"); w.string(label.kind.rawValue)
            w.key("gt_id")
            if let g = label.groundTruthIndex { w.integer(groundTruth.annotations[g].id) } else { w.null() }
            w.key("iou"); w.number(label.iou)
            if label.insideCrowd { w.key("inside_crowd"); w.bool(true) }
            if label.kind == .loc, let g = label.groundTruthIndex, let box = detections[index].box,
               let drift = LocalizationDrift(detection: box, groundTruth: groundTruth.annotations[g].box) {
                w.key("drift"); w.open("{")
                w.key("center_x"); w.number(drift.centerX); w.key("center_y"); w.number(drift.centerY)
                w.key("scale"); w.number(drift.scale); w.key("aspect"); w.number(drift.aspect)
                w.close("}")
            }
            w.close("}")
        }
        w.close("]")

        w.key("ground_truth"); w.open("[")
        for (g, ann) in groundTruth.annotations.enumerated() {
            let label = tide.groundTruth[g]
            w.element(); w.open("{")
            w.key("id"); w.integer(ann.id)
            w.key("image_id"); w.integer(ann.imageId)
            w.key("category_id"); w.integer(ann.categoryId)
            w.key("status"); w.string(label.status.rawValue)
            w.key("detection_index")
            if let d = label.detectionIndex { w.integer(d) } else { w.null() }
            w.close("}")
        }
        w.close("]")
        w.close("}")
        w.newline()
        return w.bytes
    }

    /// The terminal summary: pycocotools' 12 lines and tidecv's two tables.
    public func textSummary() -> String {
        let stats = coco.stats
        let rows = [
            ("Average Precision", "(AP)", "0.50:0.95", "all", 100), ("Average Precision", "(AP)", "0.50", "all", 100),
            ("Average Precision", "(AP)", "0.75", "all", 100), ("Average Precision", "(AP)", "0.50:0.95", "small", 100),
            ("Average Precision", "(AP)", "0.50:0.95", "medium", 100), ("Average Precision", "(AP)", "0.50:0.95", "large", 100),
            ("Average Recall", "(AR)", "0.50:0.95", "all", 1), ("Average Recall", "(AR)", "0.50:0.95", "all", 10),
            ("Average Recall", "(AR)", "0.50:0.95", "all", 100), ("Average Recall", "(AR)", "0.50:0.95", "small", 100),
            ("Average Recall", "(AR)", "0.50:0.95", "medium", 100), ("Average Recall", "(AR)", "0.50:0.95", "large", 100),
        ]
        var out = "COCO \(iouType.rawValue) (pycocotools semantics)\n"
        for (row, value) in zip(rows, stats) {
            out += " \(pad(row.0, 18)) \(row.1) @[ IoU=\(pad(row.2, 9)) | area=\(padLeft(row.3, 6)) | maxDets=\(padLeft(String(row.4), 3)) ] = \(fixed(value, 3))\n"
        }
        out += "\nTIDE (tidecv semantics) \(iouType.rawValue) AP @ 50: \(fixed(tide.ap50, 2))\n"
        out += "  main dAP   " + TideErrorType.allCases.map { "\(padLeft($0.rawValue, 6))" }.joined(separator: " ") + "\n"
        out += "             " + TideErrorType.allCases.map { padLeft(fixed(tide.mainErrors[$0] ?? 0, 2), 6) }.joined(separator: " ") + "\n"
        out += "  count      " + TideErrorType.allCases.map { padLeft(String(tide.errorCounts[$0] ?? 0), 6) }.joined(separator: " ") + "\n"
        out += "  special    FalsePos \(fixed(tide.falsePositive, 2))  FalseNeg \(fixed(tide.falseNegative, 2))\n"
        let families: [(String, [TideErrorType])] = [("misses", [.miss]), ("false positives", [.bkg, .dupe]),
                                                     ("localization", [.loc]), ("confusion", [.cls, .both])]
        out += "  families   " + families.map { name, types in
            let n = types.reduce(0) { $0 + (tide.errorCounts[$1] ?? 0) }
            let dAP = types.reduce(0.0) { $0 + (tide.mainErrors[$1] ?? 0) }
            return "\(name) \(n) (dAP \(fixed(dAP, 2)))"
        }.joined(separator: ", ") + "\n"
        return out
    }
}

private func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s : s + String(repeating: " ", count: n - s.count) }
private func padLeft(_ s: String, _ n: Int) -> String { s.count >= n ? s : String(repeating: " ", count: n - s.count) + s }

/// `%.Nf` without Foundation's formatter (rounds half away from zero on the decimal value).
func fixed(_ value: Double, _ digits: Int) -> String {
    guard value.isFinite else { return "\(value)" }
    var scale = 1.0
    for _ in 0..<digits { scale *= 10 }
    let scaled = (abs(value) * scale).rounded()
    let whole = Int(scaled / scale), fraction = Int(scaled) - whole * Int(scale)
    let sign = value < 0 && scaled != 0 ? "-" : ""
    let fractionText = String(fraction)
    return digits == 0 ? "\(sign)\(whole)" : "\(sign)\(whole).\(String(repeating: "0", count: digits - fractionText.count))\(fractionText)"
}

/// The scalar fields of one detection, read without copying the whole struct (segmentation included).
private struct DetectionFields {
    let imageId: Int, categoryId: Int, score: Double
    init(_ detections: [Detection], _ i: Int) {
        imageId = detections[i].imageId; categoryId = detections[i].categoryId; score = detections[i].score
    }
}

/// Minimal streaming JSON builder over bytes (the W3 report is ~50 MB; String appends were the cost).
struct JSONTextWriter {
    private(set) var bytes: [UInt8] = []
    private var needsComma = [false]

    init(capacity: Int = 1 << 16) { bytes.reserveCapacity(capacity) }

    mutating func newline() { bytes.append(10) }

    @inline(__always) private mutating func raw(_ s: StaticString) {
        s.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    mutating func open(_ bracket: StaticString) { raw(bracket); needsComma.append(false) }
    mutating func close(_ bracket: StaticString) { raw(bracket); needsComma.removeLast() }
    mutating func element() {
        if needsComma[needsComma.count - 1] { bytes.append(UInt8(ascii: ",")) }
        needsComma[needsComma.count - 1] = true
    }
    mutating func key(_ name: StaticString) {
        element(); bytes.append(UInt8(ascii: "\"")); raw(name); raw("\":")
    }
    mutating func key(_ name: String) {
        element(); bytes.append(UInt8(ascii: "\"")); bytes.append(contentsOf: name.utf8); raw("\":")
    }
    mutating func integer(_ v: Int) {
        if v < 0 { bytes.append(UInt8(ascii: "-")) }
        var magnitude = v.magnitude
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var n = 0
        withUnsafeMutableBytes(of: &digits) { buffer in
            repeat { buffer[n] = UInt8(ascii: "0") + UInt8(magnitude % 10); magnitude /= 10; n += 1 } while magnitude > 0
            for i in stride(from: n - 1, through: 0, by: -1) { bytes.append(buffer[i]) }
        }
    }
    /// Shortest round-trip form; integral values without a fraction; non-finite as null.
    mutating func number(_ v: Double) {
        if !v.isFinite { raw("null"); return }
        if v == v.rounded() && abs(v) < 1e15 { integer(Int(v)); return }
        bytes.append(contentsOf: v.description.utf8)
    }
    mutating func bool(_ v: Bool) { if v { raw("true") } else { raw("false") } }
    mutating func null() { raw("null") }
    mutating func string(_ s: String) {
        bytes.append(UInt8(ascii: "\""))
        for byte in s.utf8 {
            switch byte {
            case UInt8(ascii: "\""): raw("\\\"")
            case UInt8(ascii: "\\"): raw("\\\\")
            case 10: raw("\\n")
            case 13: raw("\\r")
            case 9: raw("\\t")
            case 0..<0x20:
                raw("\\u00")
                let hex: [UInt8] = Array("0123456789abcdef".utf8)
                bytes.append(hex[Int(byte >> 4)]); bytes.append(hex[Int(byte & 15)])
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }
}
