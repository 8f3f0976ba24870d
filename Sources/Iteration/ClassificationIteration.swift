import Attribution
import Datasets
import Evaluation
import Failures
import Foundation
import NN
import Report
import Tensors
import Training

/// The classification stages of an iteration after training (IterationTraining): predict the validation
/// split with the best checkpoint, take the errors apart, update the failure set, and draw heat maps of its cases.
struct ClassificationIteration {
    let config: IterateConfig
    let name: String
    let folder: URL
    let workspace: Workspace
    let log: (String) -> Void

    var training: IterationTraining { IterationTraining(folder: folder, log: log) }
    var predictionsFile: URL { folder.appendingPathComponent("predictions.json") }
    var casesFile: URL { folder.appendingPathComponent("cases.json") }
    var camFolder: URL { folder.appendingPathComponent("cams") }

    // MARK: predict

    struct Predictions: Codable {
        var checkpoint: String
        var classes: [String]
        var samples: [Sample]
        struct Sample: Codable { var source: String; var label: Int; var probabilities: [Double] }
    }

    func loadModel(_ settings: TrainingConfig, classes: Int, checkpoint: URL) throws -> (Module, Architecture) {
        guard let arch = Architecture(rawValue: settings.model) else { throw IterationError("\(training.configCopy.path): model: unknown \(settings.model)") }
        let model = arch.make(classes: classes)
        do { _ = try model.load(contentsOf: checkpoint.appendingPathComponent("model.safetensors")) } catch {
            throw IterationError("\(training.runFolder.path): \(error)")
        }
        model.eval()
        return (model, arch)
    }

    func predict() throws {
        let settings = try training.settings()
        let dataset: ImageFolder
        do { dataset = try ImageFolder(root: settings.data) } catch { throw IterationError("\(error)") }
        let batches = ClassificationBatches(dataset: dataset, config: settings)
        let checkpoint = try training.bestCheckpoint()
        let (model, _) = try loadModel(settings, classes: dataset.classes.count, checkpoint: checkpoint)
        var samples = [Predictions.Sample]()
        var position = 0
        let validation = try batches.validationBatches()
        for (inputs, labels) in validation {
            let probabilities = withoutGrad { model(inputs).softmax(axis: 1) }
            let k = probabilities.shape[1]
            for (row, label) in labels.enumerated() {
                let source = dataset.samples[batches.validation[position]].path
                samples.append(.init(source: source, label: label, probabilities: (0..<k).map { Double(probabilities[flat: row * k + $0]) }))
                position += 1
            }
        }
        log("predict: \(samples.count) validation images with \(checkpoint.lastPathComponent)")
        let output = Predictions(checkpoint: checkpoint.path, classes: dataset.classes.names, samples: samples)
        try JSONEncoder().encode(output).write(to: predictionsFile, options: .atomic)
    }

    func loadPredictions() throws -> Predictions {
        guard let data = FileManager.default.contents(atPath: predictionsFile.path),
              let p = try? JSONDecoder().decode(Predictions.self, from: data) else { throw IterationError("\(predictionsFile.path): missing or unreadable") }
        return p
    }

    func analysis(_ p: Predictions) throws -> ClassificationAnalysis {
        do {
            return try ClassificationAnalysis(labels: p.samples.map(\.label), probabilities: p.samples.flatMap(\.probabilities), classCount: p.classes.count)
        } catch { throw IterationError("\(predictionsFile.path): \(error)") }
    }

    // MARK: failures

    struct CaseState: Codable { var id: String; var status: String; var sampleIndex: Int; var error: String?; var confidence: Double; var predicted: Int?; var truth: Int }

    func updateFailures(previous: String?) throws {
        let p = try loadPredictions()
        let input = IterationInput.classification(try analysis(p), images: p.samples.map(\.source), source: predictionsFile.path)
        let update = FailureSetUpdate(workspace: workspace, iteration: name, policy: SelectionPolicy(minCases: config.minCases, maxCases: config.maxCases))
        let states = try update.run(input, first: previous == nil).compactMap { s -> CaseState? in
            guard let record = s.record, let index = record.target.sampleIndex else { return nil }
            return CaseState(id: s.id, status: s.status, sampleIndex: index, error: record.error, confidence: record.confidence,
                             predicted: record.predictedClass, truth: record.target.classId)
        }
        let counts = Dictionary(grouping: states, by: \.status).mapValues(\.count).sorted { $0.key < $1.key }
        log("failures: \(states.count) cases (" + counts.map { "\($0.value) \($0.key)" }.joined(separator: ", ") + ")")
        try JSONEncoder().encode(states).write(to: casesFile, options: .atomic)
    }

    func loadCases() throws -> [CaseState] {
        guard let data = FileManager.default.contents(atPath: casesFile.path),
              let cases = try? JSONDecoder().decode([CaseState].self, from: data) else { throw IterationError("\(casesFile.path): missing or unreadable") }
        return cases
    }

    // MARK: heat maps

    var heatMaps: CaseHeatMaps { CaseHeatMaps(folder: camFolder, methods: config.camMethods) }

    /// The iteration's most confident errors outside the failure set (their records name the sample and classes).
    func topErrors(_ p: Predictions, cases: [CaseState]) throws -> [CaseRecord] {
        let records = ClassificationCases.records(from: try analysis(p), images: p.samples.map(\.source))
        return FailureSelector.topErrors(records, excluding: Set(cases.map(\.id)), limit: config.camTopErrors)
    }

    /// Heat maps of every case and top error for its predicted class, one overlay per method, on the image as the model saw it.
    func drawCAMs() throws {
        let settings = try training.settings()
        let p = try loadPredictions()
        let cases = try loadCases()
        let explained = cases.map { ($0.id, $0.sampleIndex, $0.predicted ?? $0.truth) }
            + (try topErrors(p, cases: cases)).compactMap { r in r.target.sampleIndex.map { (r.key, $0, r.predictedClass ?? r.target.classId) } }
        guard !explained.isEmpty else { return }
        let (model, arch) = try loadModel(settings, classes: p.classes.count, checkpoint: URL(fileURLWithPath: p.checkpoint))
        let side = settings.imageSize
        let preprocessing = settings.preprocessing
        let items = try explained.map { (id, sample, predicted) -> CaseHeatMaps.Item in
            let source = p.samples[sample].source
            let image: PlanarImage
            do { image = PlanarImage(try ImageCodecs.read(path: source).rgb8()) } catch { throw IterationError("\(source): \(error)") }
            return .init(id: id, input: preprocessing.apply(Tensor(shape: [1, 3, image.height, image.width], image.values)),
                         target: .classLogit(predicted), picture: Resize.resize(image, width: side, height: side).image(),
                         window: (0, 0, side, side))
        }
        try heatMaps.draw(items, model: model, layer: config.camLayer ?? arch.defaultCAMLayer(inputSize: side), config: config.file, log: log)
    }

    // MARK: the report's view

    func record() throws -> IterationRecord {
        let settings = try training.settings()
        let p = try loadPredictions()
        let analysis = try analysis(p)
        let cases = try loadCases()
        let names = p.classes
        let k = names.count
        var headline = [NamedValue("accuracy", analysis.accuracy, format: "percent"), NamedValue("macro F1", analysis.macroF1),
                        NamedValue("ECE", analysis.expectedCalibrationError)]
        headline.append(NamedValue("errors", Double(analysis.samples.filter { !$0.isCorrect }.count), format: "count"))
        let errorsPerClass = (0..<k).map { c in analysis.samples.filter { $0.trueClass == c && !$0.isCorrect }.count }
        let rows = (0..<k).map { c -> [String] in
            let m = analysis.perClass[c]
            return [names[c], String(format: "%.3f", m.precision), String(format: "%.3f", m.recall), String(format: "%.3f", m.f1),
                    String(m.support), String(errorsPerClass[c])]
        }
        let confused = analysis.mostConfusedPairs(limit: 3).map { "\(names[$0.trueClass]) → \(names[$0.predictedClass]) (\($0.count))" }
        let errors = ErrorBreakdown(
            explanation: "Errors per true class and the confusion matrix of the validation split."
                + (confused.isEmpty ? "" : " Most confused: " + confused.joined(separator: ", ") + "."),
            bars: (0..<k).map { NamedValue(names[$0], Double(errorsPerClass[$0]), format: "count") },
            barsTitle: "Misclassified validation images per true class",
            table: .init(header: ["class", "precision", "recall", "F1", "support", "errors"], rows: rows),
            confusion: .init(labels: names, counts: (0..<k).map { r in (0..<k).map { analysis.confusion[r * k + $0] } }))
        func snapshot(id: String, sample index: Int, status: String, error: String?, confidence: Double, predicted: Int?, truth: Int) -> CaseSnapshot {
            let sample = p.samples[index]
            let detail = error == nil
                ? "\(names[truth]) recognised (\(String(format: "%.2f", confidence)))"
                : "\(names[truth]) taken for \(predicted.map { names[$0] } ?? "?") at \(String(format: "%.2f", confidence))"
            return CaseSnapshot(id: id, image: sample.source, imageWidth: settings.imageSize, imageHeight: settings.imageSize,
                                status: status, error: error, confidence: confidence,
                                detail: detail + " — " + URL(fileURLWithPath: sample.source).lastPathComponent, cams: heatMaps.cams(of: id))
        }
        let snapshots = cases.map {
            snapshot(id: $0.id, sample: $0.sampleIndex, status: $0.status, error: $0.error, confidence: $0.confidence, predicted: $0.predicted, truth: $0.truth)
        }
        let top = try topErrors(p, cases: cases).compactMap { r in
            r.target.sampleIndex.map {
                snapshot(id: r.key, sample: $0, status: "error", error: r.error, confidence: r.confidence, predicted: r.predictedClass, truth: r.target.classId)
            }
        }
        return IterationRecord(name: name, task: "classification", source: "\(settings.model) on \(settings.data), checkpoint \(URL(fileURLWithPath: p.checkpoint).lastPathComponent)",
                               headline: headline, runDirectory: training.runFolder.path, errors: errors, cases: snapshots,
                               topErrors: top)
    }
}
