import Tensors
import Testing
import Training

/// The YAML config: documented defaults, and errors that name the key and file:line.
@Suite struct TrainingConfigTests {
    @Test func keysOverrideDefaults() throws {
        let config = try TrainingConfig.parse("""
            data: fixtures/shapes/classification
            steps: 40
            lr: 1e-2
            optimizer: sgd
            nesterov: true
            mean: [0.5, 0.5, 0.5]
            """, file: "train.yaml")
        #expect(config.data == "fixtures/shapes/classification")
        #expect(config.steps == 40 && config.lr == 0.01 && config.optimizer == .sgd && config.nesterov)
        #expect(config.mean == [0.5, 0.5, 0.5])
        #expect(config.batchSize == 32 && config.schedule == .onecycle && config.evalEvery == 20, "defaults kept")
        #expect(config.checkpointInterval == 20, "checkpoints follow evaluations by default")
    }

    @Test func unknownKeyNamesKeyAndLine() {
        #expect(throws: ConfigError.self) { try TrainingConfig.parse("data: d\nlearning_rate: 0.1\n", file: "c.yaml") }
        do { _ = try TrainingConfig.parse("data: d\nlearning_rate: 0.1\n", file: "c.yaml") } catch {
            #expect(error.description.hasPrefix("c.yaml:2: learning_rate: unknown key"))
        }
    }

    @Test func aKeyGivenTwiceIsAnError() {
        do {
            _ = try TrainingConfig.parse("data: a\nsteps: 3\ndata: b\n", file: "c.yaml")
            Issue.record("accepted a duplicate key")
        } catch { #expect(error.description == "c.yaml:3: data: given twice (first at line 1)") }
    }

    @Test func wrongTypeNamesKeyLineAndValue() {
        let cases = [("data: d\n\nsteps: many\n", "c.yaml:3: steps: expected an integer, got 'many'"),
                     ("data: d\nlr: [1]\n", "c.yaml:2: lr: expected a number, got a list"),
                     ("data: d\nnesterov: maybe\n", "c.yaml:2: nesterov: expected true or false, got 'maybe'"),
                     ("data: d\noptimizer: adam\n", "c.yaml:2: optimizer: expected one of sgd, adamw, got 'adam'"),
                     ("data: d\nsteps: 0\n", "c.yaml:2: steps: must be at least 1"),
                     ("steps: 3\n", "c.yaml: data: required (the ImageFolder to train on)")]
        for (text, message) in cases {
            do { _ = try TrainingConfig.parse(text, file: "c.yaml"); Issue.record("accepted \(text)") } catch {
                #expect(error.description == message)
            }
        }
    }

    @Test func precisionIsFp32UnlessTheConfigSaysBf16() throws {
        #expect(try TrainingConfig.parse("data: d\n", file: "c.yaml").precision == .fp32)
        let config = try TrainingConfig.parse("data: d\nprecision: bf16\n", file: "c.yaml")
        #expect(config.precision == .bf16)
        #expect(config.hyperparameters.first { $0.key == "precision" }?.value == "bf16", "recorded in hparams.yaml and meta.json")
        do { _ = try TrainingConfig.parse("data: d\n\nprecision: fp16\n", file: "c.yaml"); Issue.record("accepted fp16") } catch {
            #expect(error.description == "c.yaml:3: precision: expected one of fp32, bf16, got 'fp16'")
        }
    }

    @Test func denseModelsNeedTheirDataKeys() {
        do { _ = try TrainingConfig.parse("data: d\nmodel: centernet_resnet18\n", file: "c.yaml"); Issue.record("accepted") } catch {
            #expect(error.description == "c.yaml:2: model: centernet_resnet18 is a detection model: `annotations:` (the COCO instances file) is required")
        }
    }
}
