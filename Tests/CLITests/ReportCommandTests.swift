import Foundation
import Testing

/// `fovea report`, `fovea iterate` and the help every command gives, run as a user runs them.
@Suite struct ReportCommandTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static func fixture(_ path: String) -> String { repository.appendingPathComponent(path).path }
    static func temporaryFolder() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("fovea-report-cli-\(UUID().uuidString)")
    }

    @Test func reportFromPredictionFiles() throws {
        let out = Self.temporaryFolder()
        let run = try runFovea(["report", "--gt", Self.fixture("fixtures/shapes/detection/annotations.json"),
                                "--pred", Self.fixture("fixtures/iterate/detection-results.json"),
                                "--images", Self.fixture("fixtures/shapes/detection/images"), "--out", out.path, "--quiet"])
        #expect(run.status == 0, "\(run.err)")
        #expect(run.out == out.appendingPathComponent("index.html").path + "\n")
        #expect(run.err.isEmpty)
        let page = try String(contentsOf: out.appendingPathComponent("iterations/detection-results.html"), encoding: .utf8)
        #expect(page.contains("ΔAP50 per error type") && page.contains("Minimal failure set"))
        try? FileManager.default.removeItem(at: out)

        // --top-errors sets how many errors outside the cases are listed (0: none, no section).
        for (limit, rows) in [(1, 1), (0, 0)] {  // the fixture has two errors outside its cases
            let out = Self.temporaryFolder()
            let run = try runFovea(["report", "--gt", Self.fixture("fixtures/shapes/detection/annotations.json"),
                                    "--pred", Self.fixture("fixtures/iterate/detection-results.json"), "--out", out.path,
                                    "--top-errors", "\(limit)", "--quiet"])
            #expect(run.status == 0, "\(run.err)")
            let page = try String(contentsOf: out.appendingPathComponent("iterations/detection-results.html"), encoding: .utf8)
            let section = page.components(separatedBy: "<h2>Top errors outside the failure set</h2>").dropFirst().first?
                .components(separatedBy: "</table>")[0] ?? ""
            #expect(section.components(separatedBy: "<tr>\n<td>").count - 1 == rows, "--top-errors \(limit)")
            #expect(page.contains("Top errors outside the failure set") == (rows > 0))
            try? FileManager.default.removeItem(at: out)
        }
    }

    @Test func badInputIsOneLineAndWritesNothing() throws {
        let out = Self.temporaryFolder()
        let missing = try runFovea(["report", "--gt", "/nonexistent/gt.json", "--pred", Self.fixture("fixtures/iterate/detection-results.json"),
                                    "--out", out.path])
        #expect(missing.status == 1)
        let errors = missing.err.split(separator: "\n").filter { $0.hasPrefix("fovea: ") }
        #expect(errors.count == 1 && errors[0].hasPrefix("fovea: /nonexistent/gt.json"), "\(missing.err)")
        #expect(!FileManager.default.fileExists(atPath: out.path))
        // A folder that is not a report is never replaced.
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        try Data("mine".utf8).write(to: out.appendingPathComponent("notes.txt"))
        let occupied = try runFovea(["report", "--gt", Self.fixture("fixtures/shapes/detection/annotations.json"),
                                     "--pred", Self.fixture("fixtures/iterate/detection-results.json"), "--out", out.path])
        #expect(occupied.status == 1 && occupied.err.contains("is not a Fovea report"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: out.path) == ["notes.txt"])
        try? FileManager.default.removeItem(at: out)
    }

    @Test func badUsageIsExitTwo() throws {
        #expect(try runFovea(["report"]).status == 2)
        #expect(try runFovea(["report", "--gt", "a.json", "--out", "x"]).status == 2)
        #expect(try runFovea(["report", "--run", "r", "--workspace", "w"]).status == 2)
        #expect(try runFovea(["report", "--run", "r", "--top-errors=-1"]).status == 2)
        #expect(try runFovea(["iterate"]).status == 2)
    }

    @Test func iterateConfigErrorsNameFileLineAndKey() throws {
        let folder = Self.temporaryFolder()
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let config = folder.appendingPathComponent("it.yaml")
        try "task: detection\nground_truth: gt.json\npredictons: r.json\n".write(to: config, atomically: true, encoding: .utf8)
        let run = try runFovea(["iterate", "--config", config.path])
        #expect(run.status == 1)
        #expect(run.err.hasPrefix("fovea: \(config.path):3: predictons: unknown key"), "\(run.err)")
        try? FileManager.default.removeItem(at: folder)
    }

    /// The committed detection config runs from the repository root, twice: the second run finds every stage up to date.
    @Test func committedDetectionConfigRunsAndCaches() throws {
        let workspace = Self.temporaryFolder()
        let config = workspace.appendingPathComponent("detection.yaml")
        try FileManager.default.createDirectory(at: workspace, withIntermediateDirectories: true)
        let text = try String(contentsOfFile: Self.fixture("fixtures/iterate/detection.yaml"), encoding: .utf8)
            .replacingOccurrences(of: "workspace: runs/iterate-detection", with: "workspace: \(workspace.appendingPathComponent("ws").path)")
            .replacingOccurrences(of: ": fixtures/", with: ": \(Self.repository.path)/fixtures/")
        try text.write(to: config, atomically: true, encoding: .utf8)
        let first = try runFovea(["iterate", "--config", config.path, "--json", "--quiet"])
        #expect(first.status == 0, "\(first.err)")
        #expect(first.out.contains(#""iteration":"it1""#) && first.out.contains(#""ran":["predict","errors","failures","report"]"#), "\(first.out)")
        let again = try runFovea(["iterate", "--config", config.path, "--json", "--quiet"])
        #expect(again.out.contains(#""cached":["predict","errors","failures"]"#) && again.out.contains(#""ran":["report"]"#), "\(again.out)")
        let rerender = try runFovea(["report", "--workspace", workspace.appendingPathComponent("ws").path, "--quiet"])
        #expect(rerender.status == 0 && rerender.out.hasSuffix("ws/report/index.html\n"), "\(rerender.err)")
        try? FileManager.default.removeItem(at: workspace)
    }

    /// The committed configs of dense iterations that train their own model run as documented, here on the committed
    /// samples (for training and as the held-out set) and with two training steps at 64×64.
    @Test(arguments: [("detection-centernet.yaml", "shapes_detection.yaml", "/tmp/fovea-shapes-detection", "detection"),
                      ("segmentation-unet.yaml", "shapes_segmentation.yaml", "/tmp/fovea-shapes-segmentation", "segmentation")])
    func committedDenseTrainingConfigsRun(_ name: String, _ trainName: String, _ generated: String, _ task: String) throws {
        let workspace = Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: workspace) }
        try FileManager.default.createDirectory(at: workspace, withIntermediateDirectories: true)
        let sample = Self.fixture("fixtures/shapes/\(task)")
        var train = try String(contentsOfFile: Self.fixture("fixtures/training/\(trainName)"), encoding: .utf8)
            .replacingOccurrences(of: generated, with: sample)
        for (key, value) in [("image_size", "64"), ("batch_size", "4"), ("steps", "2"), ("eval_every", "2"), ("val_fraction", "0.3")] {
            train = train.split(separator: "\n").filter { !$0.hasPrefix(key + ":") }.joined(separator: "\n") + "\n\(key): \(value)"
        }
        try train.write(to: workspace.appendingPathComponent("train.yaml"), atomically: true, encoding: .utf8)
        let text = try String(contentsOfFile: Self.fixture("fixtures/iterate/\(name)"), encoding: .utf8)
            .replacingOccurrences(of: "fixtures/training/\(trainName)", with: workspace.appendingPathComponent("train.yaml").path)
            .replacingOccurrences(of: generated + "-heldout", with: sample)
            .split(separator: "\n").map { $0.hasPrefix("workspace:") ? "workspace: \(workspace.appendingPathComponent("ws").path)" : String($0) }
            .joined(separator: "\n") + "\nmax_cases: 4\ncam_top_errors: 2\ncam_methods: [gradcam]\n"
        let config = workspace.appendingPathComponent("iterate.yaml")
        try text.replacingOccurrences(of: "cam_methods: [gradcam, gradcam++, eigencam]\n", with: "").write(to: config, atomically: true, encoding: .utf8)
        let run = try runFovea(["iterate", "--config", config.path, "--json", "--quiet"])
        #expect(run.status == 0, "\(run.err)")
        #expect(run.out.contains(#""ran":["train","predict","errors","failures","cam","report"]"#), "\(run.out)")
    }

    @Test(arguments: ["doctor", "lint", "predict", "cam", "fixtures", "errors", "failures", "train", "bench", "report", "iterate", "demo"])
    func everyCommandsHelpHasExamples(_ command: String) throws {
        let run = try runFovea([command, "--help"])
        #expect(run.status == 0)
        #expect(run.out.contains("Examples:") || run.out.contains("Example:"), "fovea \(command) --help has no example")
    }

    @Test func shellCompletionScriptsCoverTheCommands() throws {
        for shell in ["bash", "zsh", "fish"] {
            let run = try runFovea(["--generate-completion-script", shell])
            #expect(run.status == 0)
            #expect(run.out.contains("iterate") && run.out.contains("report"), "\(shell)")
        }
    }
}
