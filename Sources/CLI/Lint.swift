import ArgumentParser
import Datasets
import Foundation

/// `fovea lint DATASET`: every problem in a dataset's images and annotations, each naming the file and the
/// field or index. Exit 1 when errors are found, 0 when only warnings.
struct Lint: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check a dataset's images and annotations.",
        discussion: "Examples:\n  fovea lint data/shapes                          (an ImageFolder)\n  fovea lint val.json --images val/ --json lint.json   (COCO; exit 1 when errors are found)")

    @Argument(help: "A COCO instances file, an ImageFolder root, or a segmentation folder (images/, masks/, classes.json).")
    var dataset: String

    @Option(help: "Image folder of a COCO file (default: images/ beside it).")
    var images: String?

    @Option(help: "Also write the findings as JSON here.")
    var json: String?

    func run() throws {
        let report: LintReport
        do { report = try DatasetLint.lint(dataset, images: images) } catch { throw InputError(error.description) }
        print(report.table(), terminator: "")
        if let json { try writeOutput(report.json(), to: json) }
        if report.hasErrors { throw ExitCode(1) }
    }
}
