import Datasets
import Foundation
import NN
import Tensors

/// Online hard-example sampling (`hard_example_share`): part of every classification batch is drawn, without
/// replacement, in proportion to each training image's most recent training loss, so the images the model still
/// gets wrong come back more often than once an epoch, at no extra forward pass (Loshchilov & Hutter's online
/// batch selection with the losses the steps compute anyway). The rest of the batch follows the epoch order, so
/// every image is still seen.
///
/// The draw of step s reads the losses of steps before s − `lag`: the loader assembles batches up to two steps
/// ahead of training, and with a fixed lag no draw depends on how far ahead it ran. Draws happen in step order
/// (a loader thread waits for its turn and for the losses it needs), so a run is the same with or without
/// prefetching, and a checkpoint holds the losses as of step N − lag plus the last `lag` steps' records: exactly
/// what a resume needs to draw as the uninterrupted run would.
public final class HardExampleSampler: @unchecked Sendable {
    public static let lag = 2

    /// Training sample indices (the dataset's), and each one's position in the loss table.
    let training: [Int]
    private let position: [Int: Int]
    /// Images drawn by loss per step.
    public let count: Int
    private let seed: UInt64

    /// One step's recorded losses, by training position.
    struct Record: Equatable {
        var step: Int
        var positions: [Int]
        var losses: [Float]
    }

    private let condition = NSCondition()
    /// Losses by training position with the records of steps before `baseStep` applied.
    private var base: [Float]
    private var baseStep = 0
    /// Records of steps `baseStep`..< `recorded`, in order.
    private var records: [Record] = []
    private var recorded = 0
    private var nextDraw = 0
    /// Draws of steps not yet recorded.
    private var drawn: [Int: [Int]] = [:]
    /// Set by `interruptWaits()`, cleared by `reopen()`: draws that would wait give up instead.
    private var closed = false
    /// Draws blocked now, waiting for their turn or their losses.
    private var waiting = 0
    var waitingDraws: Int { condition.withLock { waiting } }

    /// `training`: the training samples; every loss starts at ln(`classes`), a uniform guess's.
    public init(training: [Int], count: Int, classes: Int, seed: UInt64) {
        precondition(count > 0 && count <= training.count, "draw \(count) of \(training.count) training images")
        self.training = training
        position = Dictionary(uniqueKeysWithValues: training.enumerated().map { ($1, $0) })
        self.count = count
        self.seed = seed
        base = [Float](repeating: Float(Foundation.log(Double(max(classes, 2)))), count: training.count)
    }

    /// The samples drawn for `step`: `count` distinct training samples, each chosen with probability in proportion
    /// to its loss (Efraimidis–Spirakis keys u^(1/w), seeded by step). Waits for its turn and for the losses it reads;
    /// nil while the sampler is closed (`interruptWaits()`: the run stopped before those losses came).
    public func draw(step: Int) -> [Int]? {
        condition.lock()
        defer { condition.broadcast(); condition.unlock() }
        while true {
            // Drawn already: by a paused run's loader, or by another thread that waited for the same step.
            if let earlier = drawn[step] { return earlier }
            if closed { return nil }
            if nextDraw == step && recorded >= step - Self.lag { break }
            precondition(step >= nextDraw, "hard examples of step \(step) are no longer known (next draw is \(nextDraw))")
            waiting += 1
            condition.wait()
            waiting -= 1
        }
        var losses = base
        for record in records where record.step < step - Self.lag {
            for (p, loss) in zip(record.positions, record.losses) { losses[p] = loss }
        }
        let stepSeed: UInt64 = seed ^ 0x4A5D_E3B1_C0FF_EE11 ^ (UInt64(step + 1) &* 0x9E37_79B9_7F4A_7C15)
        var random = Datasets.SeededGenerator(seed: stepSeed)
        // log(u)/w orders as u^(1/w); a zero loss is never drawn before a positive one.
        // The `count` largest keys, best first (ties to the lower position), kept in a short sorted list.
        var top: [(key: Double, position: Int)] = []
        top.reserveCapacity(count + 1)
        for (position, w) in losses.enumerated() {
            let u: Double = max(random.uniform(0, 1), .leastNormalMagnitude)
            let key = w > 0 ? Foundation.log(u) / Double(w) : -Double.infinity
            guard top.count < count || key > top[top.count - 1].key else { continue }
            var at = top.count
            while at > 0 && top[at - 1].key < key { at -= 1 }
            top.insert((key, position), at: at)
            if top.count > count { top.removeLast() }
        }
        let chosen = top.map { training[$0.position] }
        drawn[step] = chosen
        nextDraw = step + 1
        fold()
        return chosen
    }

    /// Ends the draws waiting now or arriving later, until `reopen()`: a loader thread of a run that stopped would
    /// otherwise wait for losses that never come, keeping the task's data alive.
    public func interruptWaits() {
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
    }

    /// Draws wait for their losses again (a new stream of batches starts).
    public func reopen() {
        condition.lock()
        closed = false
        condition.unlock()
    }

    /// Records step `step`'s per-image training losses (steps are recorded in order, each once). Non-finite losses
    /// keep the image's previous value (the run stops at them anyway).
    public func record(step: Int, samples: [Int], losses: [Float]) {
        condition.lock()
        defer { condition.broadcast(); condition.unlock() }
        precondition(step == recorded, "losses of step \(step) recorded out of order (expected \(recorded))")
        var record = Record(step: step, positions: [], losses: [])
        for (sample, loss) in zip(samples, losses) where loss.isFinite {
            guard let p = position[sample] else { continue }
            record.positions.append(p)
            record.losses.append(loss)
        }
        records.append(record)
        recorded = step + 1
        drawn[step] = nil
        fold()
    }

    /// Applies to the base what neither a coming draw nor a checkpoint at `recorded` needs separately: the
    /// records before min(nextDraw, recorded) − lag.
    private func fold() {
        let limit = min(nextDraw, recorded) - Self.lag
        while let first = records.first, first.step < limit {
            for (p, loss) in zip(first.positions, first.losses) { base[p] = loss }
            records.removeFirst()
            baseStep = first.step + 1
        }
    }

    // MARK: Checkpoints

    /// The state a checkpoint after `recorded` steps keeps: the loss table as of step recorded − lag and the
    /// records since, as tensors (positions and losses padded with −1 to the widest record).
    public func checkpointTensors() -> [(name: String, tensor: Tensor)] {
        condition.lock(); defer { condition.unlock() }
        fold()
        let width = records.map(\.positions.count).max() ?? 0
        var positions: [Float] = [], losses: [Float] = []
        for record in records {
            let padding = [Float](repeating: -1, count: width - record.positions.count)
            positions += record.positions.map(Float.init) + padding
            losses += record.losses + padding
        }
        return [("losses", Tensor(shape: [base.count], base)),
                ("base_step", Tensor(shape: [1], [Float(baseStep)])),
                ("record_steps", Tensor(shape: [records.count], records.map { Float($0.step) })),
                ("record_positions", Tensor(shape: [records.count, width], positions)),
                ("record_losses", Tensor(shape: [records.count, width], losses))]
    }

    /// Continues from a checkpoint written after `steps` steps; `source` names the file in errors.
    public func restore(_ tensors: [String: Tensor], steps: Int, source: String) throws {
        func tensor(_ name: String) throws -> Tensor {
            guard let t = tensors[name] else { throw TrainingError("\(source): '\(name)' is missing") }
            return t
        }
        let losses = try tensor("losses"), baseStep = try tensor("base_step"), recordSteps = try tensor("record_steps")
        let positions = try tensor("record_positions"), recordLosses = try tensor("record_losses")
        let rows = recordSteps.count, width = rows == 0 ? 0 : positions.count / rows
        func whole(_ v: Float) -> Bool { v.isFinite && v == v.rounded() && abs(v) < 16_777_216 }  // exact in Float
        guard losses.count == base.count, baseStep.count == 1, positions.shape == [rows, width], recordLosses.shape == [rows, width],
              (losses.scalars + recordLosses.scalars).allSatisfy(\.isFinite),
              (baseStep.scalars + recordSteps.scalars).allSatisfy({ whole($0) }),
              positions.scalars.allSatisfy({ $0 == -1 || (whole($0) && (0..<Float(base.count)).contains($0)) }) else {
            throw TrainingError("\(source): hard-example state does not fit \(base.count) training images")
        }
        let restored = (0..<rows).map { row in
            let valid = (0..<width).filter { positions.scalars[row * width + $0] >= 0 }
            return Record(step: Int(recordSteps.scalars[row]), positions: valid.map { Int(positions.scalars[row * width + $0]) },
                          losses: valid.map { recordLosses.scalars[row * width + $0] })
        }
        guard Int(baseStep.scalars[0]) == max(0, steps - Self.lag),
              restored.map(\.step) == Array(Int(baseStep.scalars[0])..<steps) else {
            throw TrainingError("\(source): hard-example records do not end at step \(steps)")
        }
        condition.lock(); defer { condition.unlock() }
        base = losses.scalars
        self.baseStep = Int(baseStep.scalars[0])
        records = restored
        recorded = steps
        nextDraw = steps
        drawn = [:]
    }
}
