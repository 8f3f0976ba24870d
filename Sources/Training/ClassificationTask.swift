import Datasets
import Foundation
import NN
import Tensors

/// Classification on an ImageFolder: cross-entropy (label smoothing in training only), validation accuracy, and a
/// grid of validation inputs framed by whether they were classified right.
final class ClassificationTask: TrainingTask {
    let batches: ClassificationBatches
    let data: TaskData
    let labelSmoothing: Float
    let grid: ValidationGrid

    init(_ config: TrainingConfig) throws {
        let dataset: ImageFolder
        do { dataset = try ImageFolder(root: config.data) } catch { throw TrainingError(error.description) }
        batches = ClassificationBatches(dataset: dataset, config: config)
        data = TaskData(root: config.data, files: dataset.samples.map(\.path), classes: dataset.classes.names)
        labelSmoothing = Float(config.labelSmoothing)
        grid = ValidationGrid(columns: 8, mean: config.mean, std: config.std)
    }

    var batchOrder: BatchOrder { batches.batchOrder }

    var hardExamples: HardExampleSampler? { batches.hardExamples }

    func trainingBatch(step: Int) throws -> TrainingBatch {
        let (inputs, labels, samples) = try batches.trainingBatch(step: step)
        let smoothing = labelSmoothing
        let observe = batches.hardExamples.map { sampler in
            { (logits: Tensor) in
                let losses = crossEntropyPerSample(logits, targets: labels, labelSmoothing: smoothing).map { Float($0!) }
                sampler.record(step: step, samples: samples, losses: losses)
            }
        }
        return TrainingBatch(inputs: inputs, loss: { crossEntropy($0, targets: labels, labelSmoothing: smoothing) }, observe: observe)
    }

    /// Loss (mean over images) and accuracy.
    func evaluate(_ model: Module, samples: Int) throws -> TaskEvaluation? {
        var lossSum = 0.0, correct = 0, count = 0
        var shown: [Tensor] = [], shownCorrect: [Bool] = []
        for (inputs, labels) in try batches.validationBatches() {
            let logits = withoutGrad { model(inputs) }
            lossSum += Double(crossEntropy(logits, targets: labels).item) * Double(labels.count)
            let predicted = logits.argmax(axis: 1)
            for (i, label) in labels.enumerated() {
                let best = predicted[i]
                if best == label { correct += 1 }
                if shown.count < samples {
                    shown.append(inputs.sliced(axis: 0, i..<(i + 1)))
                    shownCorrect.append(best == label)
                }
            }
            count += labels.count
        }
        guard count > 0 else { return nil }
        let picture = shown.isEmpty ? nil : grid.render(Tensor.concat(shown, axis: 0), correct: shownCorrect)
        return TaskEvaluation(valLoss: lossSum / Double(count), metrics: [("val_acc", Double(correct) / Double(count))], picture: picture)
    }
}
