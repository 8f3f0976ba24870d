import Foundation

/// One iteration as the report shows it. `fovea iterate` writes it as `iteration.json` beside the iteration's
/// artefacts; `fovea report --gt --pred` builds one in memory. Plain data: the report never re-runs a model.
public struct IterationRecord: Codable, Sendable, Equatable {
    public var name: String
    /// `classification`, `detection` or `segmentation`.
    public var task: String
    /// What was evaluated, in words (files, checkpoint).
    public var source: String?
    /// The numbers a reviewer looks at first, in display order.
    public var headline: [NamedValue]
    public var advisories: [String]
    /// A `fovea train` run folder: its metrics.csv, hparams.yaml and advisories.txt feed the training section.
    public var runDirectory: String?
    public var errors: ErrorBreakdown?
    /// The failure set's cases at this iteration.
    public var cases: [CaseSnapshot]
    /// The iteration's most confident errors outside the failure set, with their heat maps: what to look at next.
    public var topErrors: [CaseSnapshot]?
    /// Class names by index, for segmentation masks.
    public var classNames: [String]?

    public init(name: String, task: String, source: String? = nil, headline: [NamedValue] = [], advisories: [String] = [],
                runDirectory: String? = nil, errors: ErrorBreakdown? = nil, cases: [CaseSnapshot] = [], topErrors: [CaseSnapshot]? = nil) {
        self.name = name; self.task = task; self.source = source; self.headline = headline; self.advisories = advisories
        self.runDirectory = runDirectory; self.errors = errors; self.cases = cases; self.topErrors = topErrors
    }

    public static func load(from url: URL) throws -> IterationRecord {
        let data: Data
        do { data = try Data(contentsOf: url) } catch { throw ReportError("\(url.path): cannot read (\(error.localizedDescription))") }
        do { return try JSONDecoder().decode(IterationRecord.self, from: data) } catch {
            throw ReportError("\(url.path): \(JSONDecodingDescription(error))")
        }
    }

    public func write(to url: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try encoder.encode(self).write(to: url, options: .atomic)
    }
}

public struct NamedValue: Codable, Sendable, Equatable {
    public var name: String
    public var value: Double
    /// How to print it: `fraction` (0.823), `percent` (82.3%), `count` (12), `plain` (4 significant digits).
    public var format: String

    public init(_ name: String, _ value: Double, format: String = "fraction") {
        self.name = name; self.value = value; self.format = format
    }

    public var formatted: String {
        guard value.isFinite else { return value.isNaN ? "—" : (value > 0 ? "∞" : "−∞") }
        switch format {
        case "percent": return String(format: "%.1f%%", 100 * value)
        case "count": return String(Int(value.rounded()))
        case "plain": return String(format: "%.4g", value)
        default: return String(format: "%.3f", value)
        }
    }
}

/// The error section of an iteration: how much each error type costs, per-class counts, confusion, curves.
public struct ErrorBreakdown: Codable, Sendable, Equatable {
    public var explanation: String
    /// ΔAP per error type (TIDE) or error counts per type (classification, segmentation).
    public var bars: [NamedValue]
    public var barsTitle: String
    public var table: Table
    public var confusion: Confusion?
    public var precisionRecall: [Curve]

    public struct Table: Codable, Sendable, Equatable {
        public var header: [String]
        public var rows: [[String]]
        public init(header: [String], rows: [[String]]) { self.header = header; self.rows = rows }
    }

    public struct Confusion: Codable, Sendable, Equatable {
        public var labels: [String]
        /// rows = truth, columns = prediction
        public var counts: [[Int]]
        public init(labels: [String], counts: [[Int]]) { self.labels = labels; self.counts = counts }
    }

    /// Precision at recall 0, 0.01, …, 1 (pycocotools' 101 points; −1 where undefined).
    public struct Curve: Codable, Sendable, Equatable {
        public var name: String
        public var precision: [Double]
        public init(name: String, precision: [Double]) { self.name = name; self.precision = precision }
    }

    public init(explanation: String, bars: [NamedValue], barsTitle: String, table: Table, confusion: Confusion? = nil,
                precisionRecall: [Curve] = []) {
        self.explanation = explanation; self.bars = bars; self.barsTitle = barsTitle; self.table = table
        self.confusion = confusion; self.precisionRecall = precisionRecall
    }
}

/// A curated case at one iteration.
public struct CaseSnapshot: Codable, Sendable, Equatable {
    public var id: String
    /// The image file (absolute, or relative to the current directory); nil when only its size is known.
    public var image: String?
    public var imageWidth: Int
    public var imageHeight: Int
    /// `failing` (first seen), `fixed`, `still failing`, `newly broken`, `passing`, `absent`.
    public var status: String
    public var error: String?
    public var confidence: Double
    /// What happened, in words ("predicted ellipse at 0.81; truth circle").
    public var detail: String
    public var boxes: [Box]
    /// Heat-map overlays computed for this case at this iteration.
    public var cams: [CAM]
    /// A predicted class-index mask (PNG) drawn under the boxes, for segmentation.
    public var mask: String?

    public struct Box: Codable, Sendable, Equatable {
        /// COCO x, y, width, height in image pixels.
        public var box: [Double]
        public var label: String
        /// `gt`, `tp`, or an error type (`Cls`, `Loc`, `Both`, `Dupe`, `Bkg`, `Miss`).
        public var role: String
        public init(box: [Double], label: String, role: String) { self.box = box; self.label = label; self.role = role }
    }

    public struct CAM: Codable, Sendable, Equatable {
        public var method: String
        /// A PNG overlay written by the CAM stage.
        public var overlay: String
        public init(method: String, overlay: String) { self.method = method; self.overlay = overlay }
    }

    public init(id: String, image: String?, imageWidth: Int, imageHeight: Int, status: String, error: String?,
                confidence: Double, detail: String, boxes: [Box] = [], cams: [CAM] = [], mask: String? = nil) {
        self.id = id; self.image = image; self.imageWidth = imageWidth; self.imageHeight = imageHeight
        self.status = status; self.error = error; self.confidence = confidence; self.detail = detail
        self.boxes = boxes; self.cams = cams; self.mask = mask
    }
}

/// A decoding error in words: the key path and what was wrong, not Foundation's debug description.
func JSONDecodingDescription(_ error: Error) -> String {
    func path(_ context: DecodingError.Context) -> String {
        context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined().trimmingCharacters(in: ["."])
    }
    switch error as? DecodingError {
    case .keyNotFound(let key, let context)?: return "\(path(context).isEmpty ? "" : path(context) + ".")\(key.stringValue): missing"
    case .typeMismatch(_, let context)?, .valueNotFound(_, let context)?: return "\(path(context)): \(context.debugDescription)"
    case .dataCorrupted(let context)?: return "\(path(context).isEmpty ? "not valid JSON" : path(context)): \(context.debugDescription)"
    default: return "\(error)"
    }
}
