import Foundation
import NN
import Testing
import Training

/// SIGKILL lands while `fovea train` is writing a checkpoint (its hidden `.step-N.partial-PID` folder exists),
/// at varying delays after the write starts; after each kill the newest visible checkpoint must load whole and
/// `--resume` must carry on from it. The last run goes to the end.
@Suite(.serialized) struct CheckpointKillTests {
    /// Microseconds between seeing a partial checkpoint folder and the kill.
    static let delays: [UInt32] = [0, 200, 1_000, 3_000, 0, 500, 8_000, 0]

    @Test func killedMidCheckpointResumesFromTheNewestCompleteOne() throws {
        let folder = try temporaryFolder("kill")
        defer { try? FileManager.default.removeItem(at: folder) }
        let config = folder.appendingPathComponent("train.yaml")
        try Data("""
            data: \(repositoryRoot.appendingPathComponent("fixtures/shapes/classification").path)
            model: shapes_cnn
            steps: 60
            batch_size: 4
            image_size: 32
            eval_every: 30
            checkpoint_every: 1
            keep_last: 2
            """.utf8).write(to: config)
        let runDir = folder.appendingPathComponent("run")
        let store = CheckpointStore(runDirectory: runDir)
        var killedMidWrite = 0, lastStep = 0

        for delay in Self.delays {
            let process = Process()
            process.executableURL = foveaBinary()
            process.arguments = ["train", "--config", config.path, "--run-dir", runDir.path, "--resume"]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            // The first partial folder of this process after at least one new step: a checkpoint write under way.
            let partial = ".step-"
            let deadline = Date().addingTimeInterval(120)
            var seen = false
            while process.isRunning, Date() < deadline {
                let names = (try? FileManager.default.contentsOfDirectory(atPath: store.folder.path)) ?? []
                if names.contains(where: { $0.hasPrefix(partial) && $0.hasSuffix("-\(process.processIdentifier)") }) { seen = true; break }
                usleep(100)
            }
            if delay > 0 { usleep(delay) }
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            guard process.terminationReason == .uncaughtSignal else { break }  // the run finished before the kill
            let names = (try? FileManager.default.contentsOfDirectory(atPath: store.folder.path)) ?? []
            if seen, names.contains(where: { $0.hasPrefix(partial) && $0.hasSuffix("-\(process.processIdentifier)") }) {
                killedMidWrite += 1
            }

            // The newest visible checkpoint is complete: weights, optimizer state and metadata all read back.
            guard let latest = store.latest() else { continue }
            let meta = try store.meta(at: latest)
            #expect(meta.step >= lastStep, "the newest checkpoint went back from step \(lastStep) to \(meta.step)")
            lastStep = meta.step
            let model = try Safetensors.read(latest.appendingPathComponent("model.safetensors"))
            #expect(!model.tensors.isEmpty)
            _ = try OptimizerState.load(from: latest.appendingPathComponent("optimizer.safetensors"))
        }
        #expect(killedMidWrite >= 2, "only \(killedMidWrite) of \(Self.delays.count) kills landed during a checkpoint write")

        let finish = try runFovea(["train", "--config", config.path, "--run-dir", runDir.path, "--resume"])
        #expect(finish.status == 0, "\(finish.err)")
        #expect(finish.out.hasPrefix("trained 60 steps;"), "\(finish.out)")
        #expect(try store.meta(at: #require(store.latest())).step == 60)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: store.folder.path).filter { $0.contains(".partial-") }
        #expect(leftovers.isEmpty, "partial checkpoints of killed runs left behind: \(leftovers)")
    }
}
