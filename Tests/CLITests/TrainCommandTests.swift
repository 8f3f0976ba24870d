import Foundation
import Testing

/// `fovea train` end to end: shapes_cnn on the shapes fixture for a few dozen steps leaves a complete run folder.
@Suite struct TrainCommandTests {
    func temporaryFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("fovea-train-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    func writeConfig(_ text: String, in folder: URL) throws -> String {
        let url = folder.appendingPathComponent("train.yaml")
        try Data(text.utf8).write(to: url)
        return url.path
    }

    @Test func trainsShapesCNNAndWritesTheRunFolder() throws {
        let folder = try temporaryFolder()
        let data = repositoryRoot.appendingPathComponent("fixtures/shapes/classification").path
        let config = try writeConfig("""
            data: \(data)
            model: shapes_cnn
            steps: 36
            batch_size: 4
            image_size: 32
            eval_every: 12
            keep_last: 2
            log_every: 6
            clip_grad_norm: 1.0
            lr: 0.003
            """, in: folder)
        let runDir = folder.appendingPathComponent("run")
        let run = try runFovea(["train", "--config", config, "--run-dir", runDir.path])
        #expect(run.status == 0, "\(run.err)")
        #expect(run.out.hasPrefix("trained 36 steps;"))
        #expect(run.err.contains("step 36/36 loss "), "plain progress lines when not a terminal")
        #expect(run.err.contains("eval step 36 val_loss "))

        let csv = try String(contentsOf: runDir.appendingPathComponent("metrics.csv"), encoding: .utf8).split(separator: "\n")
        let header = csv[0].split(separator: ",").map(String.init)
        #expect(header == header.sorted())
        for column in ["step", "train_loss", "lr", "grad_norm_total", "grad_norm/0.0", "grad_norm/10", "val_loss", "val_acc", "epoch"] {
            #expect(header.contains(column), "\(column)")
        }
        #expect(csv.count == 1 + 36 + 3, "a row per step and per evaluation")

        let events = try FileManager.default.contentsOfDirectory(atPath: runDir.appendingPathComponent("tensorboard").path)
        #expect(events.count == 1 && events[0].hasPrefix("events.out.tfevents."), "\(events)")

        let hparams = try String(contentsOf: runDir.appendingPathComponent("hparams.yaml"), encoding: .utf8)
        #expect(hparams.contains("steps: 36\n") && hparams.contains("model: shapes_cnn\n"))

        let checkpoints = try FileManager.default.contentsOfDirectory(atPath: runDir.appendingPathComponent("checkpoints").path).sorted()
        #expect(checkpoints.contains("step-0000036") && checkpoints.count <= 3, "\(checkpoints)")
        let newest = runDir.appendingPathComponent("checkpoints/step-0000036")
        #expect(try FileManager.default.contentsOfDirectory(atPath: newest.path).sorted() == ["meta.json", "model.safetensors", "optimizer.safetensors"])
        let meta = try JSONSerialization.jsonObject(with: Data(contentsOf: newest.appendingPathComponent("meta.json"))) as! [String: Any]
        #expect(meta["step"] as? Int == 36)
        #expect((meta["git"] as? [String: Any])?["commit"] is String)

        // The weights load where any model file does.
        let predict = try runFovea(["predict", "--model", "shapes_cnn", "--weights", newest.appendingPathComponent("model.safetensors").path,
                                    "--image", repositoryRoot.appendingPathComponent("fixtures/shapes/classification/circle/0002.png").path])
        #expect(predict.status == 0, "\(predict.err)")

        let again = try runFovea(["train", "--config", config, "--run-dir", runDir.path])
        #expect(again.status == 1 && again.err.contains("--resume"), "an existing run is not overwritten")
        let resumed = try runFovea(["train", "--config", config, "--run-dir", runDir.path, "--resume"])
        #expect(resumed.status == 0 && resumed.out.hasPrefix("trained 36 steps;"), "\(resumed.err)")

        // A resume with other hyper-parameters is refused, naming each changed key with its old and new value.
        let changed = try writeConfig(String(contentsOfFile: config, encoding: .utf8)
            .replacingOccurrences(of: "lr: 0.003", with: "lr: 0.01").replacingOccurrences(of: "steps: 36", with: "steps: 48"), in: folder)
        let refused = try runFovea(["train", "--config", changed, "--run-dir", runDir.path, "--resume"])
        #expect(refused.status == 1, "\(refused.err)")
        #expect(refused.err.contains("hyper-parameters differ from the checkpoint's: lr: 0.003 → 0.01, steps: 36 → 48"), "\(refused.err)")
        #expect(refused.err.split(separator: "\n").count == 1)
        #expect(try FileManager.default.contentsOfDirectory(atPath: runDir.appendingPathComponent("checkpoints").path).sorted() == checkpoints)
    }

    @Test func configErrorsNameFileLineAndKey() throws {
        let folder = try temporaryFolder()
        let config = try writeConfig("data: somewhere\nlearning_rate: 0.1\n", in: folder)
        let run = try runFovea(["train", "--config", config])
        #expect(run.status == 1)
        #expect(run.err.hasPrefix("fovea: \(config):2: learning_rate: unknown key"))
        #expect(run.err.split(separator: "\n").count == 1)

        let typed = try writeConfig("data: somewhere\nsteps: ten\n", in: folder)
        let wrong = try runFovea(["train", "--config", typed])
        #expect(wrong.status == 1 && wrong.err == "fovea: \(typed):2: steps: expected an integer, got 'ten'\n")

        let missing = try runFovea(["train", "--config", folder.appendingPathComponent("none.yaml").path])
        #expect(missing.status == 1 && missing.err.contains("none.yaml: cannot read the file"))
    }

    @Test func aMissingAnnotationsFileIsOneLineWithFileAndLine() throws {
        let folder = try temporaryFolder()
        let config = try writeConfig("data: images\nmodel: centernet_resnet18\nannotations: nope.json\n", in: folder)
        let run = try runFovea(["train", "--config", config])
        #expect(run.status == 1 && run.err == "fovea: \(config):3: annotations: no such file or folder 'nope.json'\n", "\(run.err)")
    }

    /// The committed example configs train through the command (here on the small committed samples, two steps at
    /// 64×64), reporting the task's metric.
    @Test(arguments: [("shapes_classification.yaml", "/tmp/fovea-shapes-classification", "val_acc"),
                      ("shapes_detection.yaml", "/tmp/fovea-shapes-detection", "val_ap50"),
                      ("shapes_segmentation.yaml", "/tmp/fovea-shapes-segmentation", "val_miou")])
    func exampleConfigsTrain(_ name: String, _ generated: String, _ metric: String) throws {
        let folder = try temporaryFolder()
        let sample = repositoryRoot.appendingPathComponent("fixtures/shapes/" + generated.replacingOccurrences(of: "/tmp/fovea-shapes-", with: "")).path
        var text = try String(contentsOf: repositoryRoot.appendingPathComponent("fixtures/training/\(name)"), encoding: .utf8)
            .replacingOccurrences(of: generated, with: sample)
        for (key, value) in [("image_size", "64"), ("batch_size", "4"), ("steps", "2"), ("eval_every", "2"), ("val_fraction", "0.3")] {
            text = text.split(separator: "\n").filter { !$0.hasPrefix(key + ":") }.joined(separator: "\n") + "\n\(key): \(value)"
        }
        let runDir = folder.appendingPathComponent("run")
        let run = try runFovea(["train", "--config", try writeConfig(text, in: folder), "--run-dir", runDir.path])
        #expect(run.status == 0, "\(run.err)")
        #expect(run.out.hasPrefix("trained 2 steps; best \(metric) "), "\(run.out)")
        #expect(run.err.contains("eval step 2 val_loss "))
        let header = try String(contentsOf: runDir.appendingPathComponent("metrics.csv"), encoding: .utf8).split(separator: "\n")[0]
        #expect(header.split(separator: ",").contains(Substring(metric)))
    }

    @Test func missingConfigIsAUsageError() throws {
        #expect(try runFovea(["train"]).status == 2)
    }
}

/// Ctrl-C during `fovea train` writes a checkpoint at the step reached and exits 0 (not killed by the signal).
@Suite struct TrainInterruptTests {
    @Test func interruptSavesACheckpointAtTheStepReached() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("fovea-interrupt-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let config = folder.appendingPathComponent("train.yaml")
        try Data("""
            data: \(repositoryRoot.appendingPathComponent("fixtures/shapes/classification").path)
            steps: 400
            batch_size: 4
            image_size: 32
            eval_every: 2
            """.utf8).write(to: config)
        let runDir = folder.appendingPathComponent("run")
        let process = Process()
        process.executableURL = foveaBinary()
        process.arguments = ["train", "--config", config.path, "--run-dir", runDir.path]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let checkpoints = runDir.appendingPathComponent("checkpoints")
        let deadline = Date().addingTimeInterval(60)
        while ((try? FileManager.default.contentsOfDirectory(atPath: checkpoints.path)) ?? []).filter({ $0.hasPrefix("step-") }).isEmpty,
              Date() < deadline, process.isRunning { Thread.sleep(forTimeInterval: 0.05) }
        kill(process.processIdentifier, SIGINT)
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect(process.terminationReason == .exit)
        #expect(text.hasPrefix("interrupted after step "), "\(text)")
        let step = Int(text.dropFirst("interrupted after step ".count).prefix { $0.isNumber }) ?? -1
        #expect(step > 0 && step < 400)
        let name = "step-" + String(repeating: "0", count: 7 - String(step).count) + String(step)
        #expect(FileManager.default.fileExists(atPath: checkpoints.appendingPathComponent(name).appendingPathComponent("meta.json").path))
    }
}
