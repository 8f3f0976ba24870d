import Foundation
import Testing
import Training

/// Which checkpoint `CheckpointStore.best()` hands to `fovea iterate`, and which `prune` keeps: the best by the run's
/// metric (newest among equals), not simply the newest.
@Suite struct CheckpointSelectionTests {
    /// A four-step run with a checkpoint at every step, its recorded metrics then rewritten to `values`.
    func store(valAcc values: [Double?], mode: String = "max") throws -> CheckpointStore {
        var config = TrainingFixtures.smallConfig(steps: values.count)
        config.checkpointEvery = 1
        config.evalEvery = 1
        config.keepLast = values.count
        let folder = TrainingFixtures.temporaryFolder("best")
        _ = try Trainer(config: config, runDirectory: folder, resume: false, revision: SourceRevision(commit: "test", dirty: false)).run()
        let store = CheckpointStore(runDirectory: folder)
        #expect(store.list().map(\.step) == Array(1...values.count))
        for ((_, url), value) in zip(store.list(), values) {
            let file = url.appendingPathComponent("meta.json")
            var json = try #require(JSONSerialization.jsonObject(with: Data(contentsOf: file)) as? [String: Any])
            var metrics = try #require(json["metrics"] as? [String: Any])
            metrics["val_acc"] = value
            json["metrics"] = metrics
            var hyperparameters = try #require(json["hyperparameters"] as? [String: Any])
            hyperparameters["best_mode"] = mode
            json["hyperparameters"] = hyperparameters
            try JSONSerialization.data(withJSONObject: json).write(to: file)
        }
        return store
    }

    @Test func theBestByTheRunsMetricNotTheNewest() throws {
        let store = try store(valAcc: [0.5, 0.9, 0.9, 0.7])
        #expect(store.best()?.lastPathComponent == "step-0000003", "the newest of the two best")
        #expect(store.best(metric: "val_acc", mode: .min)?.step == 1)
        #expect(store.prune(keepLast: 1, metric: "val_acc", mode: .max) == 3)
        #expect(store.list().map(\.step) == [3, 4], "the best and the last kept, the rest removed")
    }

    @Test func theRecordedModeDecides() throws {
        #expect(try store(valAcc: [0.5, 0.2, 0.9, 0.7], mode: "min").best()?.lastPathComponent == "step-0000002")
    }

    @Test func withoutAFiniteMetricTheNewest() throws {
        #expect(try store(valAcc: [nil, nil, nil]).best()?.lastPathComponent == "step-0000003")
    }
}
