import Foundation
import Report

/// The stages of a detection or segmentation iteration after training: the pipeline runs them alike for both tasks.
protocol DenseIteration {
    /// Runs the model over the evaluation images and writes its outputs where the other stages read them.
    func predict(with model: DenseModel) throws
    /// Takes the errors apart (and keeps what later stages and the report read).
    func analyse() throws
    func updateFailures(previous: String?) throws
    /// Heat maps of the failure set and the top errors.
    func drawCAMs(_ model: DenseModel) throws
    /// What the report shows of the iteration; `runDirectory`: the run that trained the model here, if any.
    func record(runDirectory: String?) throws -> IterationRecord
}

extension DetectionFiles: DenseIteration {
    func predict(with model: DenseModel) throws {
        try DetectionPredict(model: model, config: config, output: URL(fileURLWithPath: predictions), log: log).run()
    }
}

extension SegmentationFiles: DenseIteration {
    func predict(with model: DenseModel) throws { try SegmentationPredict(model: model, config: config, output: predictions, log: log).run() }
    func analyse() throws {}  // recomputed from the masks wherever needed: cheap and exact
}
