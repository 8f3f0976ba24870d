import Foundation
import Tensors
import Testing
@testable import Training

/// Hard-example sampling (`hard_example_share`): draws follow the losses, read them two steps late whatever the
/// loader does, and a run that samples by loss resumes bit for bit.
@Suite struct HardExampleTests {
    static let training = Array(stride(from: 0, to: 80, by: 2))  // dataset indices of 40 training images

    /// Records `steps` steps, each image of the step getting loss `loss(image, step)`, drawing before each.
    static func run(_ sampler: HardExampleSampler, steps: Range<Int>, loss: (Int, Int) -> Float) -> [[Int]] {
        steps.map { step in
            let drawn = sampler.draw(step: step)!
            sampler.record(step: step, samples: training, losses: training.map { loss($0, step) })
            return drawn
        }
    }

    @Test func drawsAreDistinctSeededAndFollowTheLosses() {
        let make = { HardExampleSampler(training: Self.training, count: 4, classes: 5, seed: 3) }
        // Image 10 has loss 50, the others 0.01: after the lag it is in every draw, and draws stay distinct.
        let draws = Self.run(make(), steps: 0..<40) { image, _ in image == 10 ? 50 : 0.01 }
        #expect(draws.allSatisfy { Set($0).count == 4 && $0.allSatisfy(Self.training.contains) })
        #expect(draws[HardExampleSampler.lag...].allSatisfy { $0.contains(10) }, "the heaviest image is in every draw once its loss is seen")
        #expect(draws == Self.run(make(), steps: 0..<40) { image, _ in image == 10 ? 50 : 0.01 }, "seeded")
        // In proportion: images with loss 3 against 1 are drawn about three times as often.
        let weighted = Self.run(HardExampleSampler(training: Self.training, count: 1, classes: 5, seed: 9), steps: 0..<4000) { image, _ in
            image < 40 ? 3 : 1
        }
        let heavy = weighted.dropFirst(HardExampleSampler.lag).filter { $0[0] < 40 }.count
        let ratio = Double(heavy) / Double(weighted.count - HardExampleSampler.lag - heavy)
        #expect(abs(ratio - 3) < 0.35, "heavy : light = \(ratio)")
    }

    /// The draw of step s reads the losses of steps before s − 2 and no later ones, so how far a loader has run
    /// ahead cannot change it.
    @Test func aDrawReadsTheLossesOfStepsBeforeTheLag() {
        let sampler = HardExampleSampler(training: Self.training, count: 1, classes: 5, seed: 1)
        let only = { (image: Int) in Self.training.map { $0 == image ? Float(1) : 0 } }
        let everyLoss: [[Float]] = [[Float]](repeating: Self.training.map { _ in 1 }, count: 4) + [only(20), only(30), only(40), only(50)]
        var draws: [[Int]] = []
        for (step, losses) in everyLoss.enumerated() {
            draws.append(sampler.draw(step: step)!)
            #expect(sampler.draw(step: step) == draws[step], "a drawn step is remembered until it is recorded")
            sampler.record(step: step, samples: Self.training, losses: losses)
        }
        // Step 6 sees steps 0–3 (every image at 1); step 7 sees step 4's losses, not step 5's; step 8 step 5's.
        #expect(draws[7] == [20] && draws[6] != [30])
        #expect(sampler.draw(step: 8) == [30])
        // A loader two steps ahead (draw s + 2 before step s is recorded) draws the same.
        let ahead = HardExampleSampler(training: Self.training, count: 1, classes: 5, seed: 1)
        var early = [ahead.draw(step: 0)!, ahead.draw(step: 1)!]
        for (step, losses) in everyLoss.enumerated() {
            early.append(ahead.draw(step: step + 2)!)
            ahead.record(step: step, samples: Self.training, losses: losses)
        }
        #expect(Array(early.prefix(8)) == draws && early[8] == [30])
    }

    /// Waits (at most 10 s) until `count` draws block in `sampler`.
    static func awaitWaiting(_ sampler: HardExampleSampler, _ count: Int) -> Bool {
        for _ in 0..<1000 where sampler.waitingDraws < count { Thread.sleep(forTimeInterval: 0.01) }
        return sampler.waitingDraws == count
    }

    /// Runs `draw` on its own thread (as a loader worker does; blocking a task would stall Swift's cooperative pool).
    static func drawOnAThread(_ sampler: HardExampleSampler, step: Int) -> (done: DispatchSemaphore, result: () -> [Int]?) {
        let done = DispatchSemaphore(value: 0), box = TrainingFixtures.Locked<[Int]?>(nil)
        Thread.detachNewThread { box.value = sampler.draw(step: step); done.signal() }
        return (done, { box.value })
    }

    /// A loader thread waiting for losses of steps that will not run (the run stopped) is let go.
    @Test func aWaitingDrawIsInterrupted() {
        let sampler = HardExampleSampler(training: Self.training, count: 1, classes: 5, seed: 1)
        for step in 0..<3 { _ = sampler.draw(step: step) }  // step 3 needs step 0's losses, which never come
        let waiting = Self.drawOnAThread(sampler, step: 3)
        #expect(Self.awaitWaiting(sampler, 1), "it waits for step 0's losses")
        sampler.interruptWaits()
        #expect(waiting.done.wait(timeout: .now() + 10) == .success)
        #expect(waiting.result() == nil)
        #expect(sampler.draw(step: 3) == nil, "closed: a draw arriving late gives up too")
        sampler.reopen()
        sampler.record(step: 0, samples: Self.training, losses: Self.training.map { _ in 1 })
        #expect(sampler.draw(step: 3)?.count == 1, "reopened, draws wait and draw as usual")
    }

    /// Two threads waiting for the same step (a stopped stream's worker and a new one's) get the one draw.
    @Test func threadsWaitingForOneStepShareItsDraw() {
        let sampler = HardExampleSampler(training: Self.training, count: 2, classes: 5, seed: 2)
        for step in 0..<3 { _ = sampler.draw(step: step) }
        let first = Self.drawOnAThread(sampler, step: 3), second = Self.drawOnAThread(sampler, step: 3)
        #expect(Self.awaitWaiting(sampler, 2), "both wait before the losses come")
        sampler.record(step: 0, samples: Self.training, losses: Self.training.map { Float($0 % 7) })
        #expect(first.done.wait(timeout: .now() + 10) == .success && second.done.wait(timeout: .now() + 10) == .success)
        #expect(first.result() != nil && first.result() == second.result())
    }

    /// A run stopped by a non-finite step takes that step again when run on: it was drawn, not recorded.
    @Test func aRunStoppedByANonFiniteStepCanRunOn() throws {
        var config = TrainingFixtures.smallConfig(steps: 12)
        config.optimizer = .sgd
        config.schedule = .constant
        config.lr = 1e30
        config.augment = false
        config.hardExampleShare = 0.5
        let trainer = try Trainer(config: config, runDirectory: TrainingFixtures.temporaryFolder("hard-nan"), resume: false)
        guard case .nonFinite(let step, _) = try trainer.run() else { Issue.record("no non-finite step"); return }
        guard case .nonFinite(let again, _) = try trainer.run() else { Issue.record("the step turned finite"); return }
        #expect(again == step)
    }

    /// A sampler restored from a checkpoint after N steps draws what the uninterrupted one draws.
    @Test func checkpointStateContinuesTheDraws() throws {
        let loss = { (image: Int, step: Int) -> Float in Float((image * 7 + step * 3) % 11) / 4 }
        let whole = Self.run(HardExampleSampler(training: Self.training, count: 3, classes: 5, seed: 4), steps: 0..<20, loss: loss)
        let first = HardExampleSampler(training: Self.training, count: 3, classes: 5, seed: 4)
        let before = Self.run(first, steps: 0..<9, loss: loss)
        _ = first.draw(step: 9); _ = first.draw(step: 10)  // a loader ran ahead of the checkpoint
        let saved = Dictionary(uniqueKeysWithValues: first.checkpointTensors().map { ($0.name, $0.tensor) })
        let second = HardExampleSampler(training: Self.training, count: 3, classes: 5, seed: 4)
        try second.restore(saved, steps: 9, source: "h.safetensors")
        #expect(before + Self.run(second, steps: 9..<20, loss: loss) == whole)
        #expect(throws: TrainingError.self) { try second.restore(saved, steps: 10, source: "h.safetensors") }
        var corrupt = saved
        corrupt["base_step"] = Tensor(shape: [1], [.nan])
        #expect(throws: TrainingError.self) { try second.restore(corrupt, steps: 9, source: "h.safetensors") }
        corrupt = saved
        corrupt["record_positions"] = Tensor(shape: saved["record_positions"]!.shape, saved["record_positions"]!.scalars.map { $0 + 0.5 })
        #expect(throws: TrainingError.self) { try second.restore(corrupt, steps: 9, source: "h.safetensors") }
    }

    /// The per-image losses the sampler records: log Σ exp z − (1 − ε)·z_target − ε·mean z, written out.
    @Test func perImageLossesAreTheSmoothedCrossEntropy() {
        let rows: [[Float]] = [[0.5, -1, 2, 0.1], [3, 0, 0, -2], [-0.5, 0.25, 1, 1.5]], targets = [2, 0, 3]
        for smoothing: Float in [0, 0.1] {
            let each = crossEntropyPerSample(Tensor(shape: [3, 4], rows.flatMap { $0 }), targets: targets, labelSmoothing: smoothing)
            for i in 0..<3 {
                let z = rows[i].map(Double.init), eps = Double(smoothing)
                let expected = Foundation.log(z.map(Foundation.exp).reduce(0, +)) - (1 - eps) * z[targets[i]] - eps * z.reduce(0, +) / 4
                #expect(abs(each[i]! - expected) < 1e-6, "smoothing \(smoothing), row \(i)")
            }
        }
        #expect(crossEntropyPerSample(Tensor(shape: [2, 3], [1, 2, 3, 3, 2, 1]), targets: [1, -100])[1] == nil, "ignored")
    }

    /// Through the trainer: a run drawing half of each batch by loss trains, is the same with and without a
    /// prefetching loader, resumes bit for bit, and its checkpoints carry the sampler's state.
    @Test func aRunSamplingByLossPrefetchesAndResumesBitForBit() throws {
        let revision = SourceRevision(commit: "test", dirty: false)
        var config = TrainingFixtures.smallConfig(steps: 10)
        config.hardExampleShare = 0.5
        var losses: [[UInt32]] = []
        for workers in [0, 2] {
            config.loaderWorkers = workers
            let trainer = try Trainer(config: config, runDirectory: TrainingFixtures.temporaryFolder("hard-\(workers)"), resume: false, revision: revision)
            #expect(try trainer.run() == .finished(steps: 10))
            losses.append(trainer.trainLosses.map(\.bitPattern))
            let newest = trainer.runDirectory.appendingPathComponent("checkpoints/step-0000010")
            #expect(FileManager.default.fileExists(atPath: newest.appendingPathComponent(CheckpointStore.hardExamplesFile).path))
        }
        #expect(losses[0].count == 10 && losses[1] == losses[0])
        var plain = config
        plain.hardExampleShare = 0
        let unsampled = try Trainer(config: plain, runDirectory: TrainingFixtures.temporaryFolder("hard-off"), resume: false, revision: revision)
        _ = try unsampled.run()
        #expect(unsampled.trainLosses.map(\.bitPattern) != losses[0], "the share changes the batches")

        let folder = TrainingFixtures.temporaryFolder("hard-split")
        #expect(try Trainer(config: config, runDirectory: folder, resume: false, revision: revision).run(stopAfter: 5) == .paused(steps: 5))
        let resumed = try Trainer(config: config, runDirectory: folder, resume: true, revision: revision)
        _ = try resumed.run()
        #expect(resumed.trainLosses.map(\.bitPattern) == losses[0])
    }

    @Test func configErrorsNameTheKey() throws {
        let cases = [("data: d\nhard_example_share: 1\n", "c.yaml:2: hard_example_share: must lie in [0, 1)"),
                     ("data: d\nbatch_size: 4\nhard_example_share: 0.2\n",
                      "c.yaml:3: hard_example_share: 0.2 of a batch of 4 is no image; at least 1 / batch_size")]
        for (text, message) in cases {
            do { _ = try TrainingConfig.parse(text, file: "c.yaml"); Issue.record("accepted \(text)") } catch {
                #expect(error.description == message)
            }
        }
        let images = try TrainingFixtures.denseShapes(.detection).appendingPathComponent("images").path
        let annotations = try TrainingFixtures.denseShapes(.detection).appendingPathComponent("annotations.json").path
        do {
            _ = try TrainingConfig.parse("data: \(images)\nmodel: centernet_resnet18\nannotations: \(annotations)\nhard_example_share: 0.5\n", file: "c.yaml")
            Issue.record("accepted hard_example_share for detection")
        } catch {
            #expect(error.description == "c.yaml:4: hard_example_share: not available for detection models (centernet_resnet18 is a detection model)")
        }
    }
}
