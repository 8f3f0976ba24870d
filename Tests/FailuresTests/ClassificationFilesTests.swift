import Foundation
import Testing
@testable import Failures

/// A classifier's iteration read from `fovea predict --json` output and a labels file.
@Suite struct ClassificationFilesTests {
    let dir: URL = {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("cls-files-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: d, withIntermediateDirectories: true)
        return d
    }()

    func write(_ name: String, _ text: String) throws -> String {
        let url = dir.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url.path
    }

    @Test func wrongClassesAreClsErrorsAtTheirScore() throws {
        let pred = try write("pred.json", #"{"task": "classification", "predictions": [{"source": "a.png", "class": 1, "score": 0.8}, {"source": "b.png", "class": 0, "score": 0.6}]}"#)
        let labels = try write("labels.json", #"{"a.png": 1, "b.png": 2}"#)
        let it = try ClassificationFiles.iteration(predictionsPath: pred, labelsPath: labels)
        #expect(it.records.map(\.error) == [nil, "Cls"])
        #expect(it.records[1].image == "b.png" && it.records[1].target.classId == 2 && it.records[1].predictedClass == 0)
        #expect(it.records[1].confidence == 0.6)
        #expect(it.metrics["accuracy"] == 0.5)
    }

    @Test func aSourceWithoutLabelIsNamed() throws {
        let pred = try write("pred.json", #"{"predictions": [{"source": "c.png", "class": 1, "score": 0.8}]}"#)
        let labels = try write("labels.json", #"{"a.png": 1}"#)
        #expect(throws: FailuresError("\(labels): c.png: no class for this source")) {
            try ClassificationFiles.iteration(predictionsPath: pred, labelsPath: labels)
        }
    }
}
