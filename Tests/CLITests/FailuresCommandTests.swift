import Foundation
import Testing

/// `fovea failures` end to end on COCO files alone: three results files are three iterations.
@Suite struct FailuresCommandTests {
    let dir: URL = {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("fovea-failures-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: d, withIntermediateDirectories: true)
        return d
    }()

    // Image 1: gt 1 and gt 2 (class a); image 2: gt 3 (class b).
    let gt = #"""
    {"images":[{"id":1,"width":100,"height":100},{"id":2,"width":100,"height":100}],
     "categories":[{"id":1,"name":"a"},{"id":2,"name":"b"}],
     "annotations":[{"id":1,"image_id":1,"category_id":1,"bbox":[0,0,20,20],"area":400,"iscrowd":0},
                    {"id":2,"image_id":1,"category_id":1,"bbox":[50,50,20,20],"area":400,"iscrowd":0},
                    {"id":3,"image_id":2,"category_id":2,"bbox":[0,0,20,20],"area":400,"iscrowd":0}]}
    """#
    /// gt 1 found; gt 2 missed; gt 3 seen as class a (Cls); a background box on image 2.
    let first = #"[{"image_id":1,"category_id":1,"bbox":[0,0,20,20],"score":0.9},{"image_id":2,"category_id":1,"bbox":[0,0,20,20],"score":0.8},{"image_id":2,"category_id":2,"bbox":[80,80,10,10],"score":0.7}]"#
    /// All three found: every curated case fixed.
    let second = #"[{"image_id":1,"category_id":1,"bbox":[0,0,20,20],"score":0.9},{"image_id":1,"category_id":1,"bbox":[50,50,20,20],"score":0.8},{"image_id":2,"category_id":2,"bbox":[0,0,20,20],"score":0.7}]"#
    /// gt 2 missed again: the curated case gt-2 breaks.
    let third = #"[{"image_id":1,"category_id":1,"bbox":[0,0,20,20],"score":0.9},{"image_id":2,"category_id":2,"bbox":[0,0,20,20],"score":0.7}]"#

    func write(_ name: String, _ text: String) throws -> String {
        let url = dir.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url.path
    }

    func failures(_ arguments: [String]) throws -> Run {
        try runFovea(["failures"] + arguments + ["--manifest", dir.appendingPathComponent("failures.json").path,
                                                  "--history", dir.appendingPathComponent("failures.sqlite").path])
    }

    func manifestText() throws -> String {
        try String(contentsOf: dir.appendingPathComponent("failures.json"), encoding: .utf8)
    }

    @Test func selectThenCheckGatesOnACaseThatBroke() throws {
        let gtPath = try write("gt.json", gt)
        let select = try failures(["select", "--gt", gtPath, "--pred", try write("it1.json", first)])
        #expect(select.status == 0, "\(select.err)")
        #expect(select.out.hasPrefix("selected 3 cases"))
        for id in ["\"gt-2\"", "\"gt-3\"", "\"region-2-2-80,80,10,10\""] { #expect(try manifestText().contains(id)) }

        let fixed = try failures(["check", "--gt", gtPath, "--pred", try write("it2.json", second), "--fail-on", "regressed"])
        #expect(fixed.status == 0, "\(fixed.err)")
        #expect(fixed.out.contains("iteration it2 against it1"))
        #expect(fixed.out.components(separatedBy: "fixed").count - 1 == 3)
        #expect(fixed.out.contains("2 positive flips"))

        let broken = try failures(["check", "--gt", gtPath, "--pred", try write("it3.json", third), "--fail-on", "regressed"])
        #expect(broken.status == 3)
        #expect(broken.err == "fovea: --fail-on regressed: 1 case(s): gt-2\n")
        #expect(broken.out.contains("newly broken"))

        let status = try failures(["status"])
        #expect(status.status == 0, "\(status.err)")
        #expect(status.out.hasPrefix("iteration it3 (3 in run default)"))
        let gt2 = status.out.split(separator: "\n").first { $0.hasPrefix("gt-2 ") }.map(String.init) ?? ""
        // Failing since it3, broken by it3, two flips (failing → right → failing).
        #expect(gt2.contains("newly broken") && gt2.contains("it3            it3") && gt2.hasSuffix("2"), "\(gt2)")
        #expect(status.out.contains("1 negative flips"))
    }

    @Test func theGateOnFlipsCountsTheWholeValidationSet() throws {
        let gtPath = try write("gt.json", gt)
        _ = try failures(["select", "--gt", gtPath, "--pred", try write("it1.json", second)])  // nothing fails: empty set
        #expect(try manifestText().contains("\"cases\" : [\n\n  ]") || manifestText().contains("\"cases\" : []"))
        let regressed = try failures(["check", "--gt", gtPath, "--pred", try write("it2.json", third), "--fail-on", "regressed"])
        #expect(regressed.status == 0, "\(regressed.err)")
        let flips = try failures(["check", "--gt", gtPath, "--pred", try write("it2.json", third), "--fail-on", "flips"])
        #expect(flips.status == 3)
        #expect(flips.err.contains("gt-2"))
    }

    @Test func aHandEditedManifestIsReadAndPinnedCasesSurviveReselection() throws {
        let gtPath = try write("gt.json", gt)
        _ = try failures(["select", "--gt", gtPath, "--pred", try write("it1.json", first)])
        // A person pins gt-3 and writes a note, in the file itself.
        // Keys are sorted, so gt-3's note and pinned follow its id in the text.
        var edited = try manifestText()
        let caseStart = edited.range(of: "\"id\" : \"gt-3\"")!.upperBound
        edited.replaceSubrange(edited.range(of: "\"note\" : \"\"", range: caseStart..<edited.endIndex)!, with: "\"note\" : \"customer ticket 7\"")
        edited.replaceSubrange(edited.range(of: "\"pinned\" : false", range: caseStart..<edited.endIndex)!, with: "\"pinned\" : true")
        #expect(edited != (try manifestText()))
        _ = try write("failures.json", edited)
        let list = try failures(["list"])
        #expect(list.out.contains("* gt-3") && list.out.contains("# customer ticket 7"), "\(list.out)")
        // Re-selecting on an iteration where everything is right keeps only the pinned case.
        _ = try failures(["select", "--gt", gtPath, "--pred", try write("it2.json", second)])
        #expect(try failures(["list"]).out.split(separator: "\n").count == 1)
        #expect(try manifestText().contains("customer ticket 7"))
    }

    @Test func addRemovePinUnpinAndTheirErrors() throws {
        let gtPath = try write("gt.json", gt)
        let add = try failures(["add", "gt-1", "--gt", gtPath, "--note", "reported"])
        #expect(add.status == 0, "\(add.err)")
        #expect(try failures(["list"]).out.contains("gt-1  image 1  class 1 box 0,0,20,20  Miss  since manual  # reported"))
        #expect(try failures(["pin", "gt-1"]).status == 0)
        #expect(try failures(["list"]).out.hasPrefix("* gt-1"))
        #expect(try failures(["unpin", "gt-1"]).status == 0)
        #expect(try failures(["list"]).out.hasPrefix("  gt-1"))

        let again = try failures(["add", "gt-1", "--gt", gtPath])
        #expect(again.status == 1 && again.err.contains("already in the failure set"))
        let unknown = try failures(["remove", "gt-9"])
        #expect(unknown.status == 1 && unknown.err.split(separator: "\n").count == 1)
        #expect(try failures(["add", "region-x", "--image", "1", "--class", "1"]).status == 2)  // a region needs --box
        #expect(try failures(["remove", "gt-1"]).status == 0)
        #expect(try failures(["list"]).out.isEmpty)
    }

    @Test func badInputAndBadUsageExitCodes() throws {
        let gtPath = try write("gt.json", gt)
        let badPred = try failures(["check", "--gt", gtPath, "--pred", try write("bad.json", #"[{"image_id":1,"category_id":1,"bbox":[1,1],"score":0.9}]"#)])
        #expect(badPred.status == 1)
        #expect(badPred.err.hasPrefix("fovea: \(dir.appendingPathComponent("bad.json").path)"))
        _ = try write("failures.json", #"{"version": 1, "cases": [{"id": "gt-1"}]}"#)
        let badManifest = try failures(["list"])
        #expect(badManifest.status == 1)
        #expect(badManifest.err.contains("failures.json: cases[0]."), "\(badManifest.err)")
        #expect(try failures(["select", "--gt", gtPath, "--pred", gtPath, "--min-cases", "30"]).status == 2)
        #expect(try failures(["check", "--gt", gtPath, "--pred", gtPath, "--fail-on", "sometimes"]).status == 2)
    }
}

/// The same loop for a classifier, from `fovea predict --json` output and a labels file.
@Suite struct FailuresClassificationCommandTests {
    let dir: URL = {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("fovea-failures-cls-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: d, withIntermediateDirectories: true)
        return d
    }()

    func write(_ name: String, _ text: String) throws -> String {
        let url = dir.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url.path
    }

    func predictions(_ classes: [Int]) -> String {
        let rows = classes.enumerated().map { #"{"source": "img\#($0.offset).png", "class": \#($0.element), "score": 0.9}"# }
        return #"{"task": "classification", "predictions": [\#(rows.joined(separator: ", "))]}"#
    }

    @Test func aSampleThatWasFixedAndBreaksAgainFailsTheGate() throws {
        let store = ["--manifest", dir.appendingPathComponent("f.json").path, "--history", dir.appendingPathComponent("f.sqlite").path]
        let labels = try write("labels.json", #"{"img0.png": 0, "img1.png": 1, "img2.png": 2}"#)
        let select = try runFovea(["failures", "select", "--labels", labels, "--pred", try write("e1.json", predictions([0, 2, 2]))] + store)
        #expect(select.status == 0, "\(select.err)")
        #expect(select.out.hasPrefix("selected 1 cases"))
        let fixed = try runFovea(["failures", "check", "--labels", labels, "--pred", try write("e2.json", predictions([0, 1, 2])), "--fail-on", "regressed"] + store)
        #expect(fixed.status == 0, "\(fixed.err)")
        let broken = try runFovea(["failures", "check", "--labels", labels, "--pred", try write("e3.json", predictions([1, 0, 2])), "--fail-on", "regressed"] + store)
        #expect(broken.status == 3)
        #expect(broken.err.contains("sample-1"))
        #expect(broken.out.contains("2 negative flips"))
        #expect(broken.out.contains("backward trust compatibility 0.3333"))
        let both = try runFovea(["failures", "check", "--gt", labels, "--labels", labels, "--pred", labels] + store)
        #expect(both.status == 2)
    }
}
