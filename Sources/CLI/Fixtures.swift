import ArgumentParser
import Datasets

/// `fovea fixtures …`: synthetic datasets for tests, demos and benchmarks.
struct FixturesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fixtures",
        abstract: "Write a deterministic synthetic dataset.",
        discussion: "Examples:\n  fovea fixtures shapes --task classification --out data/shapes --images 900\n  fovea fixtures shapes --task detection --out data/shapes-det --seed 3",
        subcommands: [Shapes.self])

    /// `fovea fixtures shapes --task classification|detection|segmentation --out DIR [--images N] [--seed S]`
    struct Shapes: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Shapes on gradients, with small, look-alike, occluded, low-contrast and cluttered cases.")

        @Option(help: "classification (ImageFolder), detection (COCO JSON) or segmentation (class-index masks).")
        var task: ShapesFixture.Task
        @Option(help: "Output folder; created, and must be empty if it exists.") var out: String
        @Option(help: "Number of images.") var images = 100
        @Option(help: "Seed; the same seed writes the same bytes.") var seed: UInt64 = 0

        func validate() throws {
            guard images > 0 else { throw ValidationError("--images must be at least 1") }
        }

        func run() throws {
            do {
                let summary = try ShapesFixture.write(task: task, images: images, seed: seed, to: out)
                let tags = Difficulty.allCases.map { "\($0.rawValue) \(summary.tagCounts[$0, default: 0])" }.joined(separator: ", ")
                print("wrote \(summary.images) images, \(summary.objects) objects (\(task.rawValue)) to \(out); images with: \(tags)")
            } catch {
                throw InputError(error.description)
            }
        }
    }
}

extension ShapesFixture.Task: ExpressibleByArgument {}
