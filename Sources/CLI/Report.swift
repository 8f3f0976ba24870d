import ArgumentParser
import Evaluation
import Failures
import Foundation
import NN
import Iteration
import Report
import Training

/// `fovea report`: the static HTML report, from prediction files alone, from a training run, or from an
/// iterate workspace. Written into a temporary folder and swapped in, so a good report is never half replaced.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write a static HTML report (Cairo-drawn charts and images; opens offline).",
        discussion: """
        Examples:
          fovea report --gt val.json --pred results.json --images val/ --out reports/val
          fovea report --run runs/train --out reports/train
          fovea report --workspace runs/iterate          (re-render every iteration of fovea iterate)
        """)

    @Option(help: "COCO ground truth (instances JSON).") var gt: String?
    @Option(help: "COCO results JSON (the model's detections).") var pred: String?
    @Option(help: "Folder the ground truth's file_name entries are relative to (images are drawn when given).") var images: String?
    @Option(name: .customLong("iou-type"), help: "bbox or segm.") var iouType: IoUType = .bbox
    @Option(name: .customLong("run"), help: "A fovea train run folder (metrics.csv, hparams.yaml, advisories.txt).") var runFolder: String?
    @Option(help: "A fovea iterate workspace (every iteration's iteration.json).") var workspace: String?
    @Option(help: "Output folder (created; replaced only if it holds a previous report).") var out: String?
    @Option(help: "Title of the report.") var title: String?
    @Option(name: .customLong("max-cases"), help: "Most cases drawn from prediction files.") var maxCases = 20
    @Option(name: .customLong("top-errors"), help: "Most confident errors outside the cases listed from prediction files.") var topErrors = 10
    @Flag(help: "No progress lines.") var quiet = false

    func validate() throws {
        let modes = [gt != nil || pred != nil, runFolder != nil, workspace != nil].filter { $0 }.count
        guard modes == 1 else { throw ValidationError("give --gt and --pred, or --run, or --workspace") }
        if gt != nil || pred != nil {
            guard gt != nil, pred != nil else { throw ValidationError("--gt and --pred go together") }
            guard out != nil else { throw ValidationError("--out is required with --gt and --pred") }
        }
        guard maxCases > 0 else { throw ValidationError("--max-cases must be positive") }
        guard topErrors >= 0 else { throw ValidationError("--top-errors must not be negative") }
    }

    func run() throws {
        let log: (String) -> Void = quiet ? { _ in } : { FileHandle.standardError.write(Data(($0 + "\n").utf8)) }
        let records: [IterationRecord], destination: String
        if let gt, let pred {
            log("report: analysing \(pred)")
            let analysis: ErrorAnalysis
            do { analysis = try ErrorAnalysis.run(groundTruthPath: gt, detectionsPath: pred, iouType: iouType) } catch {
                throw InputError("\(error)")
            }
            let cases = DetectionCases.records(from: analysis)
            let selection = FailureSelector.select(from: cases, policy: SelectionPolicy(minCases: min(10, maxCases), maxCases: maxCases))
            let top = FailureSelector.topErrors(cases, excluding: Set(selection.cases.map(\.key)), limit: topErrors)
            let name = URL(fileURLWithPath: pred).deletingPathExtension().lastPathComponent
            records = [DetectionIteration.record(name: name, analysis: analysis, source: "\(pred) against \(gt)", imageRoot: images,
                                                 cases: selection.cases.map { ($0, "failing") }, topErrors: top)]
            destination = out!
        } else if let runFolder {
            records = [try Self.runRecord(runFolder)]
            destination = out ?? URL(fileURLWithPath: runFolder).appendingPathComponent("report").path
        } else {
            let ws: Workspace
            do { ws = try Workspace(root: workspace!) } catch let e as IterationError { throw InputError(e.description) }
            records = try ws.iterations().compactMap { name in
                let file = ws.folder(name).appendingPathComponent("iteration.json")
                guard FileManager.default.fileExists(atPath: file.path) else { return nil }
                do { return try IterationRecord.load(from: file) } catch let e as ReportError { throw InputError(e.description) }
            }
            guard !records.isEmpty else { throw InputError("\(workspace!): no finished iteration to report") }
            destination = out ?? URL(fileURLWithPath: workspace!).appendingPathComponent("report").path
        }
        do {
            let templates = try ReportTemplates.locate()
            let site = ReportSite(title: title ?? "Fovea report", iterations: records, version: Trainer.toolVersion)
            let index = try site.write(to: URL(fileURLWithPath: destination), templates: templates, progress: log)
            print(index.path)
        } catch let e as ReportError { throw InputError(e.description) }
    }

    /// How the headline names each task's metrics (`Architecture.Task.metricNames`).
    static let metricTitles = ["val_acc": "val accuracy", "val_ap50": "val AP50", "val_map": "val mAP", "val_miou": "val mIoU"]

    /// A training run on its own: its curves, advisories and hyper-parameters, headlined by its last evaluation.
    static func runRecord(_ run: String) throws -> IterationRecord {
        let iterationFile = URL(fileURLWithPath: run).appendingPathComponent("iteration.json")
        if FileManager.default.fileExists(atPath: iterationFile.path) {
            do { return try IterationRecord.load(from: iterationFile) } catch let e as ReportError { throw InputError(e.description) }
        }
        let store = CheckpointStore(runDirectory: URL(fileURLWithPath: run))
        guard FileManager.default.fileExists(atPath: URL(fileURLWithPath: run).appendingPathComponent("metrics.csv").path) else {
            throw InputError("\(run)/metrics.csv: missing; --run takes a fovea train run folder")
        }
        var headline = [NamedValue]()
        let meta = store.latest().flatMap { try? store.meta(at: $0) }
        let model = meta?.hyperparameters["model"] ?? (try? RunRecords(directory: run))?.hyperparameters.first { $0.key == "model" }?.value
        let task = model.flatMap { Architecture(rawValue: $0) }?.task ?? .classification
        if let meta {
            for key in task.metricNames {
                if let value = meta.metrics[key] { headline.append(NamedValue(Self.metricTitles[key] ?? key, value, format: "percent")) }
            }
            if let loss = meta.metrics["val_loss"] { headline.append(NamedValue("val loss", loss, format: "plain")) }
            headline.append(NamedValue("steps", Double(meta.step), format: "count"))
        }
        return IterationRecord(name: URL(fileURLWithPath: run).standardizedFileURL.lastPathComponent, task: task.rawValue,
                               source: "training run \(run)", headline: headline, runDirectory: run)
    }
}

