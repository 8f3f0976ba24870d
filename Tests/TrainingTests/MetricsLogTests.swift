import Foundation
import Testing
import Training

/// metrics.csv as Lightning's CSVLogger writes it, and hparams.yaml as a flat sorted mapping.
@Suite struct MetricsLogTests {
    @Test func columnsAreSortedMetricNamesPlusStepWithEmptyCells() {
        let log = MetricsLog(url: URL(fileURLWithPath: "/dev/null"))
        log.log(step: 0, ["train_loss": 1.5, "lr": 0.001])
        log.log(step: 1, ["train_loss": 1.25, "lr": 0.002])
        log.log(step: 1, ["val_loss": 1.0, "val_acc": 0.5])
        #expect(log.csv() == """
            lr,step,train_loss,val_acc,val_loss
            0.001,0,1.5,,
            0.002,1,1.25,,
            ,1,,0.5,1.0

            """)
    }

    @Test func flushesAppendAndANewColumnRewritesTheHeader() throws {
        let url = TrainingFixtures.temporaryFolder("append").appendingPathComponent("metrics.csv")
        let log = MetricsLog(url: url)
        log.log(step: 0, ["train_loss": 2])
        try log.flush()
        log.log(step: 1, ["train_loss": 1])
        try log.flush()
        #expect(try String(contentsOf: url, encoding: .utf8) == "step,train_loss\n0,2.0\n1,1.0\n")
        log.log(step: 1, ["val_acc": 0.5])
        try log.flush()
        #expect(try String(contentsOf: url, encoding: .utf8) == "step,train_loss,val_acc\n0,2.0,\n1,1.0,\n1,,0.5\n")
        #expect(try String(contentsOf: url, encoding: .utf8) == log.csv())
    }

    @Test func resumingDropsRowsFromTheCheckpointStepOn() throws {
        let folder = TrainingFixtures.temporaryFolder("metrics")
        let url = folder.appendingPathComponent("metrics.csv")
        let log = MetricsLog(url: url)
        for step in 0..<5 { log.log(step: step, ["train_loss": Double(step)]) }
        try log.flush()
        let resumed = try MetricsLog(resuming: url, before: 3)
        #expect(resumed.rows.map(\.step) == [0, 1, 2])
        #expect(resumed.rows.last?.values == ["train_loss": 2])
    }

    @Test func hyperparametersAreFlatSortedYAML() {
        #expect(HyperparameterFile.yaml([("lr", "0.1"), ("data", "a: b"), ("augment", "true")]) == "augment: true\ndata: 'a: b'\nlr: 0.1\n")
    }
}
