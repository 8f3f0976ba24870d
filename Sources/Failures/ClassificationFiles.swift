import Foundation

/// A classifier's iteration from files alone: the JSON `fovea predict --json` writes (`predictions`: one
/// `{"source", "class", "score"}` per image, in input order) and a labels file mapping each source to its
/// true class (`{"cat1.png": 3, …}`). Sample keys follow the predictions' order, which must stay the same
/// from one iteration to the next (the same inputs, in the same order).
public enum ClassificationFiles {
    public static func iteration(predictionsPath: String, labelsPath: String) throws -> IterationInput {
        let labels = try readJSON(labelsPath)
        guard let labelMap = labels as? [String: Any] else { throw FailuresError("\(labelsPath): expected an object {source: class}") }
        let document = try readJSON(predictionsPath)
        guard let predictions = (document as? [String: Any])?["predictions"] as? [[String: Any]] else {
            throw FailuresError("\(predictionsPath): predictions: expected a list of {source, class, score}")
        }
        var records = [CaseRecord]()
        for (i, p) in predictions.enumerated() {
            guard let source = p["source"] as? String else { throw FailuresError("\(predictionsPath): predictions[\(i)].source: expected a string") }
            guard let predicted = (p["class"] as? NSNumber)?.intValue else { throw FailuresError("\(predictionsPath): predictions[\(i)].class: expected an integer") }
            guard let score = (p["score"] as? NSNumber)?.doubleValue else { throw FailuresError("\(predictionsPath): predictions[\(i)].score: expected a number") }
            guard let label = (labelMap[source] as? NSNumber)?.intValue else { throw FailuresError("\(labelsPath): \(source): no class for this source") }
            records.append(CaseRecord(key: "sample-\(i)", image: source,
                                      target: CaseTarget(kind: .sample, classId: label, sampleIndex: i),
                                      error: predicted == label ? nil : "Cls", confidence: score, predictedClass: predicted))
        }
        let correct = records.filter { !$0.isFailure }.count
        return IterationInput(records: records, metrics: ["accuracy": records.isEmpty ? 0 : Double(correct) / Double(records.count)],
                              source: predictionsPath)
    }

    static func readJSON(_ path: String) throws -> Any {
        guard let data = FileManager.default.contents(atPath: path) else { throw FailuresError("\(path): cannot read the file") }
        do { return try JSONSerialization.jsonObject(with: data) } catch { throw FailuresError("\(path): not valid JSON") }
    }
}
