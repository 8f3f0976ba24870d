import Foundation
import Testing
import Training

/// Batches assembled ahead on loader threads are the batches the training thread would build itself.
@Suite struct BatchPrefetchingTests {
    @Test func prefetchingLeavesTheLossSequenceBitForBit() throws {
        let revision = SourceRevision(commit: "test", dirty: false)
        var losses: [[UInt32]] = []
        for workers in [0, 1, 2] {
            var config = TrainingFixtures.smallConfig(steps: 10)
            config.loaderWorkers = workers
            let trainer = try Trainer(config: config, runDirectory: TrainingFixtures.temporaryFolder("prefetch-\(workers)"), resume: false, revision: revision)
            #expect(try trainer.run() == .finished(steps: 10))
            losses.append(trainer.trainLosses.map(\.bitPattern))
        }
        #expect(losses[0].count == 10)
        #expect(losses[1] == losses[0] && losses[2] == losses[0], "\(losses)")
    }

    @Test func aRunPausedMidStreamResumesWithTheSameBatches() throws {
        let revision = SourceRevision(commit: "test", dirty: false)
        var config = TrainingFixtures.smallConfig(steps: 8)
        config.loaderWorkers = 2
        let whole = try Trainer(config: config, runDirectory: TrainingFixtures.temporaryFolder("prefetch-whole"), resume: false, revision: revision)
        _ = try whole.run()
        let folder = TrainingFixtures.temporaryFolder("prefetch-split")
        #expect(try Trainer(config: config, runDirectory: folder, resume: false, revision: revision).run(stopAfter: 3) == .paused(steps: 3))
        let resumed = try Trainer(config: config, runDirectory: folder, resume: true, revision: revision)
        _ = try resumed.run()
        #expect(resumed.trainLosses.map(\.bitPattern) == whole.trainLosses.map(\.bitPattern))
    }
}
