import ArgumentParser
import Foundation
import Iteration
import Training

/// `fovea iterate --config FILE.yaml`: train (or resume) → predict → errors → failure set → heat maps → report,
/// each stage cached by a hash of its inputs.
struct IterateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "iterate",
        abstract: "Run one whole iteration: train, predict, take the errors apart, update the failure set, explain, report.",
        discussion: """
        Stages whose inputs did not change are skipped, so after editing a template only the report is redrawn.
        Config keys: docs/iterate.md. Examples:
          fovea iterate --config fixtures/iterate/classification.yaml
          fovea iterate --config fixtures/iterate/detection.yaml --iteration baseline
        """)

    @Option(help: "The iteration's YAML config.") var config: String
    @Option(help: "Name of the iteration (default: a new itN, or the newest again when its inputs are unchanged).") var iteration: String?
    @Flag(help: "No progress lines.") var quiet = false
    @Flag(help: "Print the outcome as JSON on stdout.") var json = false

    func run() throws {
        let log: (String) -> Void = quiet ? { _ in } : { FileHandle.standardError.write(Data(($0 + "\n").utf8)) }
        do {
            let settings = try IterateConfig.load(path: config)
            let outcome = try Pipeline(config: settings, version: Trainer.toolVersion, log: log).run(iteration: iteration)
            print(outcome.summary(json: json))
        } catch let e as IterationError { throw InputError(e.description) }
    }
}

/// `fovea demo`: two iterations on a generated shapes dataset, the second changing what the first one's
/// advisories suggest, and the report under reports/demo.
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Two iterations on a synthetic shapes dataset, the second acting on the first one's advice; report in reports/demo.",
        discussion: "Example:\n  fovea demo && open reports/demo/index.html")

    @Option(help: "Report folder.") var out = "reports/demo"
    @Option(help: "Working folder (dataset, runs, failure set).") var workspace = "reports/demo-work"
    @Option(help: "Images in the generated dataset.") var images = 900
    @Option(help: "Training steps of the first iteration.") var steps = 150
    @Option(help: "The classifier trained (any classification --model of fovea predict).") var model = "resnet18"
    @Option(help: "Peak learning rate (AdamW, one-cycle).") var lr = 0.002
    @Flag(help: "No progress lines.") var quiet = false

    func run() throws {
        let log: (String) -> Void = quiet ? { _ in } : { FileHandle.standardError.write(Data(($0 + "\n").utf8)) }
        do {
            let demo = Demo(workspace: workspace, report: out, images: images, steps: steps, model: model, learningRate: lr,
                            version: Trainer.toolVersion, log: log)
            let result = try demo.run()
            print(result)
        } catch let e as IterationError { throw InputError(e.description) }
    }
}
