import ArgumentParser
import Evaluation
import Failures
import Foundation

/// `fovea failures`: the minimal failure set of a project, re-checked at every iteration.
struct FailuresCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "failures",
        abstract: "Curate a minimal failure set and track it across iterations.",
        discussion: """
        Examples:
          fovea failures select --gt val.json --pred it1.json
          fovea failures check --gt val.json --pred it2.json --fail-on regressed     (exit 3 when a case newly broke)
          fovea failures status
          fovea failures pin gt-1742 --note "occluded cyclist"
        """,
        subcommands: [FailuresSelect.self, FailuresCheck.self, FailuresStatus.self, FailuresList.self,
                      FailuresAdd.self, FailuresRemove.self, FailuresPin.self, FailuresUnpin.self])
}

/// Where the failure set lives in the user's project.
struct FailureStoreOptions: ParsableArguments {
    @Option(name: .long, help: "The failure-set manifest (JSON, meant to be committed and edited).")
    var manifest = "failures.json"

    @Option(name: .long, help: "The history database (SQLite).")
    var history = "failures.sqlite"

    @Option(name: .long, help: "Run name in the history: iterations of one run are compared with each other.")
    var run = "default"

    func loadManifest() throws -> FailureManifest {
        do { return try FailureManifest.load(path: manifest) } catch let e as FailuresError { throw InputError(e.description) }
    }

    func save(_ m: FailureManifest) throws {
        do { try m.save(path: manifest) } catch let e as FailuresError { throw InputError(e.description) }
    }

    func openHistory() throws -> FailureHistory {
        do { return try FailureHistory(path: history) } catch let e as FailuresError { throw InputError(e.description) }
    }

    /// Read-only commands leave a missing history missing.
    func existingHistory() throws -> FailureHistory? {
        FileManager.default.fileExists(atPath: history) ? try openHistory() : nil
    }
}

/// The predictions of one iteration, from files alone: a detector's COCO results (`--gt`) or a
/// classifier's `fovea predict --json` output (`--labels`).
struct IterationOptions: ParsableArguments {
    @Option(name: .long, help: "COCO instances file (ground truth) for a detector's COCO results.")
    var gt: String?

    @Option(name: .long, help: "Labels of a classifier's inputs, {\"source\": class}, for `fovea predict --json` output.")
    var labels: String?

    @Option(name: .long, help: "This iteration's predictions: COCO results (with --gt) or predict JSON (with --labels).")
    var pred: String

    @Option(name: .customLong("iou-type"), help: "bbox or segm.")
    var iouType: IoUType = .bbox

    @Option(name: .long, help: "Iteration name (default: the predictions file's name without extension).")
    var iteration: String?

    var iterationName: String { iteration ?? URL(fileURLWithPath: pred).deletingPathExtension().lastPathComponent }

    func validate() throws {
        guard (gt == nil) != (labels == nil) else { throw ValidationError("give either --gt (detection) or --labels (classification)") }
    }

    func load() throws -> IterationInput {
        do {
            if let gt { return try IterationInput.detection(groundTruthPath: gt, detectionsPath: pred, iouType: iouType) }
            return try ClassificationFiles.iteration(predictionsPath: pred, labelsPath: labels!)
        } catch let e as EvaluationError { throw InputError(e.description) }
        catch let e as FailuresError { throw InputError(e.description) }
    }
}

struct FailuresSelect: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "select",
        abstract: "Pick a minimal failure set from one iteration (pinned cases stay) and record the iteration.")

    @OptionGroup var store: FailureStoreOptions
    @OptionGroup var input: IterationOptions

    @Option(name: .customLong("min-cases"), help: "Fill the set up to this many cases.")
    var minCases = 10

    @Option(name: .customLong("max-cases"), help: "Never select more than this many.")
    var maxCases = 20

    @Option(name: .customLong("near-duplicate-iou"), help: "Failures on one image overlapping this much are one.")
    var nearDuplicateIoU = 0.1

    func validate() throws {
        guard minCases >= 0, maxCases >= 1, minCases <= maxCases else {
            throw ValidationError("--min-cases must be between 0 and --max-cases (≥ 1)")
        }
        guard (0...1).contains(nearDuplicateIoU) else { throw ValidationError("--near-duplicate-iou must be in [0, 1]") }
    }

    func run() throws {
        let iteration = try input.load()
        var manifest = try store.loadManifest()
        let history = try store.openHistory()
        let selection = try FailureTracker.select(iteration, iteration: input.iterationName, run: store.run, manifest: &manifest,
                                                  history: history,
                                                  policy: SelectionPolicy(minCases: minCases, maxCases: maxCases, nearDuplicateIoU: nearDuplicateIoU))
        try store.save(manifest)
        print("selected \(selection.cases.count) cases (\(manifest.cases.count) in \(store.manifest), "
              + "\(selection.collapsedDuplicates) near-duplicates collapsed)")
        if !selection.uncoveredErrorTypes.isEmpty || !selection.uncoveredClasses.isEmpty {
            print("not covered within --max-cases: error types \(selection.uncoveredErrorTypes), classes \(selection.uncoveredClasses)")
        }
    }
}

struct FailuresCheck: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Re-check every case against a new iteration, count flips, record it; optionally fail as a CI gate.",
        discussion: "Exit codes: 0 pass, 1 bad input, 2 bad usage, 3 the gate failed.")

    enum Gate: String, ExpressibleByArgument, CaseIterable {
        /// A curated case right in the previous iteration fails now.
        case regressed
        /// Any right-before, wrong-now flip over the whole validation set.
        case flips
        /// Any curated case fails now.
        case failing
        case never
    }

    @OptionGroup var store: FailureStoreOptions
    @OptionGroup var input: IterationOptions

    @Option(name: .customLong("fail-on"), help: "regressed, flips, failing or never.")
    var failOn: Gate = .never

    func run() throws {
        let iteration = try input.load()
        let manifest = try store.loadManifest()
        let history = try store.openHistory()
        let result = try FailureTracker.check(iteration, iteration: input.iterationName, run: store.run, manifest: manifest, history: history)
        print("iteration \(input.iterationName) against \(result.previous?.name ?? "the manifest")")
        print(StatusTable.render(try StatusTable.rows(manifest: manifest, checks: result.recheck.cases, history: history, run: store.run)),
              terminator: "")
        if let flips = result.recheck.flips { print(StatusTable.render(flips), terminator: "") }

        let offending: [String]
        switch failOn {
        case .regressed: offending = result.recheck.newlyBroken.map(\.caseId)
        case .flips: offending = result.recheck.flips?.negativeFlips ?? []
        case .failing: offending = result.recheck.cases.filter { $0.currentError != nil }.map(\.caseId)
        case .never: offending = []
        }
        if !offending.isEmpty {
            let shown = offending.prefix(10).joined(separator: ", ") + (offending.count > 10 ? ", …" : "")
            FileHandle.standardError.write(Data("fovea: --fail-on \(failOn.rawValue): \(offending.count) case(s): \(shown)\n".utf8))
            throw ExitCode(3)
        }
    }
}

struct FailuresStatus: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "The failure set's statuses at the latest iteration, with since when each case fails and what broke it.")

    @OptionGroup var store: FailureStoreOptions

    func run() throws {
        let manifest = try store.loadManifest()
        let history = try store.existingHistory()
        let latest = try history?.iterations(run: store.run).last
        let checks = try latest.map { try history!.statuses(iteration: $0) } ?? []
        print(latest.map { "iteration \($0.name) (\($0.sequence) in run \(store.run))" } ?? "no iteration recorded in run \(store.run)")
        print(StatusTable.render(try StatusTable.rows(manifest: manifest, checks: checks, history: history, run: store.run)), terminator: "")
        if let latest, let metrics = try history?.metrics(iteration: latest), let negative = metrics["flips.negative"] {
            let btc = metrics["flips.btc"].map { String(format: "%.4f", $0) } ?? "n/a"
            print("validation set: \(Int(negative)) negative flips, \(Int(metrics["flips.positive"] ?? 0)) positive flips, backward trust compatibility \(btc)")
        }
    }
}

struct FailuresList: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "The cases of the manifest.")

    @OptionGroup var store: FailureStoreOptions

    func run() throws {
        for c in try store.loadManifest().cases {
            let box = c.target.box.map { " box " + $0.map { String(format: "%g", $0) }.joined(separator: ",") } ?? ""
            let note = c.note.isEmpty ? "" : "  # \(c.note)"
            print("\(c.pinned ? "*" : " ") \(c.id)  image \(c.image)  class \(c.target.classId)\(box)  \(c.error)  since \(c.firstSeen)\(note)")
        }
    }
}

struct FailuresAdd: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Add a case by hand: gt-ID (ground truth), sample-INDEX (classification) or any other id for a region.")

    @OptionGroup var store: FailureStoreOptions

    @Argument(help: "Case id: gt-<annotation id>, sample-<index>, or a name for a region.")
    var id: String

    @Option(name: .long, help: "COCO instances file: fills image, class and box of a gt-ID case.")
    var gt: String?

    @Option(name: .long) var image: String?
    @Option(name: .customLong("class")) var classId: Int?
    @Option(name: .long, help: "x,y,width,height in pixels.") var box: String?
    @Option(name: .long, help: "Error type (default Miss for ground truth, Cls for samples, Bkg for regions).") var error: String?
    @Option(name: .customLong("first-seen")) var firstSeen = "manual"
    @Option(name: .long) var note = ""
    @Flag(name: .long) var pin = false

    func run() throws {
        let number = { (prefix: String) in self.id.hasPrefix(prefix) ? Int(self.id.dropFirst(prefix.count)) : nil }
        var image = self.image, classId = self.classId
        var boxValues = try box.map(parseBox)
        let target: CaseTarget
        if let gtId = number("gt-") {
            if let gt {
                let truth: CocoGroundTruth
                do { truth = try CocoFiles.loadGroundTruth(path: gt, keepSegmentation: false) }
                catch let e as EvaluationError { throw InputError(e.description) }
                guard let ann = truth.annotations.first(where: { $0.id == gtId }) else {
                    throw InputError("\(gt): annotations: no annotation with id \(gtId)")
                }
                image = image ?? String(ann.imageId); classId = classId ?? ann.categoryId
                boxValues = boxValues ?? [ann.box.x, ann.box.y, ann.box.width, ann.box.height]
            }
            target = CaseTarget(kind: .groundTruth, classId: try required(classId, "--class"), box: boxValues, groundTruthId: gtId)
        } else if let index = number("sample-") {
            target = CaseTarget(kind: .sample, classId: try required(classId, "--class"), sampleIndex: index)
        } else {
            target = CaseTarget(kind: .region, classId: try required(classId, "--class"), box: try required(boxValues, "--box"))
        }
        let defaultError = ["ground_truth": "Miss", "sample": "Cls", "region": "Bkg"][target.kind.rawValue]!
        var manifest = try store.loadManifest()
        do {
            try manifest.add(FailureCase(id: id, image: try required(image, "--image"), target: target, error: error ?? defaultError,
                                         firstSeen: firstSeen, pinned: pin, note: note))
        } catch let e as FailuresError { throw InputError("\(store.manifest): \(e.description)") }
        try store.save(manifest)
    }

    func required<T>(_ value: T?, _ flag: String) throws -> T {
        guard let value else { throw ValidationError("\(id) needs \(flag)") }
        return value
    }

    func parseBox(_ text: String) throws -> [Double] {
        let values = text.split(separator: ",").compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard values.count == 4, values[2] >= 0, values[3] >= 0 else { throw ValidationError("--box: expected x,y,width,height, got \(text)") }
        return values
    }
}

struct FailuresRemove: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "remove", abstract: "Remove a case from the manifest.")
    @OptionGroup var store: FailureStoreOptions
    @Argument var id: String

    func run() throws {
        var manifest = try store.loadManifest()
        do { try manifest.remove(id: id) } catch let e as FailuresError { throw InputError("\(store.manifest): \(e.description)") }
        try store.save(manifest)
    }
}

struct FailuresPin: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "pin", abstract: "Keep a case through re-selection.")
    @OptionGroup var store: FailureStoreOptions
    @Argument var id: String
    @Option(name: .long, help: "Replace the case's note.") var note: String?

    func run() throws { try setPinned(true, id: id, note: note, store: store) }
}

struct FailuresUnpin: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "unpin", abstract: "Let re-selection replace a case again.")
    @OptionGroup var store: FailureStoreOptions
    @Argument var id: String

    func run() throws { try setPinned(false, id: id, note: nil, store: store) }
}

private func setPinned(_ pinned: Bool, id: String, note: String?, store: FailureStoreOptions) throws {
    var manifest = try store.loadManifest()
    do { try manifest.setPinned(pinned, id: id, note: note) } catch let e as FailuresError { throw InputError("\(store.manifest): \(e.description)") }
    try store.save(manifest)
}
