/// Error analysis of a classifier from its class probabilities: accuracy, per-class precision / recall /
/// F1, the confusion matrix and its most confused pairs, calibration (ECE with reliability bins) and
/// one record per sample. Conventions follow scikit-learn (a class never predicted has precision 0)
/// and Guo et al. 2017 for calibration (equal-width bins (lo, hi], ECE = Σ |acc − conf| · n_bin / N).
public struct ClassificationAnalysis: Sendable {
    public struct ClassMetrics: Sendable, Equatable {
        public var precision: Double, recall: Double, f1: Double
        /// Samples whose true class this is.
        public var support: Int
    }

    public struct Sample: Sendable, Equatable {
        public var index: Int
        public var trueClass: Int
        public var predictedClass: Int
        /// Probability of the predicted class.
        public var confidence: Double
        /// Top probability minus the runner-up: small margins are the borderline cases.
        public var margin: Double
        public var isCorrect: Bool { trueClass == predictedClass }
    }

    public struct ReliabilityBin: Sendable, Equatable {
        public var lower: Double, upper: Double
        public var count: Int
        /// Mean accuracy and mean confidence of the samples in the bin (0 when empty).
        public var accuracy: Double, confidence: Double
    }

    public struct ConfusedPair: Sendable, Equatable {
        public var trueClass: Int, predictedClass: Int, count: Int
    }

    public let classCount: Int
    public let samples: [Sample]
    /// classCount × classCount, row = true class, column = predicted class.
    public let confusion: [Int]
    public let perClass: [ClassMetrics]
    public let reliability: [ReliabilityBin]

    /// `probabilities` holds one row of `classCount` values per sample (softmax outputs); the
    /// prediction is the first maximum, as `argmax` picks it.
    public init(labels: [Int], probabilities: [Double], classCount: Int, bins: Int = 15) throws {
        guard classCount > 0, probabilities.count == labels.count * classCount else {
            throw EvaluationError("classification: expected \(labels.count) × \(classCount) probabilities, got \(probabilities.count)")
        }
        if let bad = labels.firstIndex(where: { $0 < 0 || $0 >= classCount }) {
            throw EvaluationError("classification: labels[\(bad)]: \(labels[bad]) is not a class in 0..<\(classCount)")
        }
        self.classCount = classCount
        var samples = [Sample](), confusion = [Int](repeating: 0, count: classCount * classCount)
        for (i, label) in labels.enumerated() {
            let row = probabilities[(i * classCount)..<((i + 1) * classCount)]
            var best = row.startIndex, second: Int? = nil
            for j in row.indices.dropFirst() {
                if row[j] > row[best] { second = best; best = j } else if second == nil || row[j] > row[second!] { second = j }
            }
            let predicted = best - row.startIndex
            let margin = row[best] - (second.map { row[$0] } ?? 0)
            samples.append(Sample(index: i, trueClass: label, predictedClass: predicted, confidence: row[best], margin: margin))
            confusion[label * classCount + predicted] += 1
        }
        self.samples = samples
        self.confusion = confusion

        perClass = (0..<classCount).map { c in
            let truePositives = Double(confusion[c * classCount + c])
            let predicted = (0..<classCount).reduce(0) { $0 + confusion[$1 * classCount + c] }
            let actual = (0..<classCount).reduce(0) { $0 + confusion[c * classCount + $1] }
            let precision = predicted == 0 ? 0 : truePositives / Double(predicted)
            let recall = actual == 0 ? 0 : truePositives / Double(actual)
            let f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall)
            return ClassMetrics(precision: precision, recall: recall, f1: f1, support: actual)
        }

        var counts = [Int](repeating: 0, count: bins), correct = [Double](repeating: 0, count: bins)
        var confidences = [Double](repeating: 0, count: bins)
        for s in samples {
            // Bin b holds confidences in (b/bins, (b+1)/bins], compared against the bounds themselves
            // (0.7 × 10 is 7.000000000000001); a confidence of exactly 0 goes to the first bin.
            var b = 0
            while b < bins - 1 && s.confidence > Double(b + 1) / Double(bins) { b += 1 }
            counts[b] += 1; confidences[b] += s.confidence; if s.isCorrect { correct[b] += 1 }
        }
        reliability = (0..<bins).map { b -> ReliabilityBin in
            let n = Double(counts[b])
            let accuracy = counts[b] == 0 ? 0 : correct[b] / n
            let confidence = counts[b] == 0 ? 0 : confidences[b] / n
            return ReliabilityBin(lower: Double(b) / Double(bins), upper: Double(b + 1) / Double(bins),
                                  count: counts[b], accuracy: accuracy, confidence: confidence)
        }
    }

    public var accuracy: Double {
        samples.isEmpty ? 0 : Double(samples.filter(\.isCorrect).count) / Double(samples.count)
    }

    /// Expected calibration error over the reliability bins.
    public var expectedCalibrationError: Double {
        let n = Double(samples.count)
        return n == 0 ? 0 : reliability.reduce(0) { $0 + abs($1.accuracy - $1.confidence) * Double($1.count) / n }
    }

    public var macroF1: Double { perClass.reduce(0) { $0 + $1.f1 } / Double(classCount) }

    /// Off-diagonal cells, largest first (ties: by true class, then predicted class).
    public func mostConfusedPairs(limit: Int = 10) -> [ConfusedPair] {
        var pairs = [ConfusedPair]()
        for t in 0..<classCount { for p in 0..<classCount where t != p && confusion[t * classCount + p] > 0 {
            pairs.append(ConfusedPair(trueClass: t, predictedClass: p, count: confusion[t * classCount + p]))
        } }
        pairs.sort { $0.count != $1.count ? $0.count > $1.count : ($0.trueClass, $0.predictedClass) < ($1.trueClass, $1.predictedClass) }
        return Array(pairs.prefix(limit))
    }
}
