import Foundation
import Testing
@testable import Failures

/// The manifest: stable text, survives a person's edit, and the edits the CLI makes.
@Suite struct ManifestTests {
    let sample = FailureManifest(cases: [
        FailureCase(id: "gt-9", image: "3", target: CaseTarget(kind: .groundTruth, classId: 2, box: [1, 2, 3, 4], groundTruthId: 9),
                    error: "Miss", firstSeen: "it1"),
        FailureCase(id: "sample-4", image: "cat.png", target: CaseTarget(kind: .sample, classId: 0, sampleIndex: 4),
                    error: "Cls", firstSeen: "it2", pinned: true, note: "customer report #12"),
    ])

    @Test func encodingIsPrettySortedAndRoundTrips() throws {
        let text = String(decoding: try sample.encoded(), as: UTF8.self)
        #expect(text.contains("\n  \"cases\""))
        // Sorted keys: "error" before "first_seen" before "id" before "image".
        let keys = ["\"error\"", "\"first_seen\"", "\"id\"", "\"image\"", "\"note\"", "\"pinned\"", "\"target\""]
        let positions = keys.map { text.range(of: $0)!.lowerBound }
        #expect(positions == positions.sorted())
        #expect(try FailureManifest.decode(sample.encoded(), file: "m.json") == sample)
        #expect(try FailureManifest.decode(sample.encoded(), file: "m.json").encoded() == sample.encoded())
    }

    @Test func aHandEditedManifestLoadsWithItsChanges() throws {
        // Keys reordered, pinned and note left out of the first case, a note written on the second.
        let edited = """
        {"version": 1, "cases": [
          {"target": {"kind": "ground_truth", "class": 2, "box": [1, 2, 3, 4], "gt_id": 9},
           "id": "gt-9", "image": "3", "error": "Miss", "first_seen": "it1"},
          {"id": "sample-4", "image": "cat.png", "error": "Cls", "first_seen": "it2", "pinned": false,
           "note": "fixed by relabelling", "target": {"kind": "sample", "class": 0, "sample": 4}}
        ]}
        """
        let m = try FailureManifest.decode(Data(edited.utf8), file: "m.json")
        #expect(m.cases[0] == sample.cases[0])
        #expect(m.cases[1].pinned == false && m.cases[1].note == "fixed by relabelling")
        // Saving it again gives the canonical text: the edit is the only diff.
        var expected = sample
        expected.cases[1].pinned = false; expected.cases[1].note = "fixed by relabelling"
        #expect(try m.encoded() == expected.encoded())
    }

    @Test func badFieldsAreNamed() {
        let missing = #"{"version": 1, "cases": [{"id": "gt-1", "image": "1", "error": "Miss", "first_seen": "a"}]}"#
        #expect(throws: FailuresError("m.json: cases[0].target: missing")) { try FailureManifest.decode(Data(missing.utf8), file: "m.json") }
        let twice = #"{"version": 1, "cases": [{"id": "a", "image": "1", "error": "Miss", "first_seen": "x", "target": {"kind": "sample", "class": 0}}, {"id": "a", "image": "1", "error": "Miss", "first_seen": "x", "target": {"kind": "sample", "class": 0}}]}"#
        #expect(throws: FailuresError("m.json: cases[1].id: \"a\" appears twice")) { try FailureManifest.decode(Data(twice.utf8), file: "m.json") }
    }

    @Test func saveAndLoadThroughAFile() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("manifest-\(UUID().uuidString).json").path
        #expect(try FailureManifest.load(path: path) == FailureManifest())
        try sample.save(path: path)
        #expect(try FailureManifest.load(path: path) == sample)
    }

    @Test func reselectionKeepsPinnedCasesAndNotesOfCasesThatStay() {
        var m = sample
        m.cases[0].note = "look at the scale"
        let selection = FailureSelection(cases: [gtCase(9, image: 3, error: "Miss"), gtCase(11, image: 5, error: "Loc")],
                                         uncoveredErrorTypes: [], uncoveredClasses: [], collapsedDuplicates: 0)
        m.apply(selection, iteration: "it3")
        #expect(m.cases.map(\.id) == ["gt-9", "sample-4", "gt-11"])
        #expect(m.cases[0].note == "look at the scale" && m.cases[0].firstSeen == "it1")
        #expect(m.cases[2].firstSeen == "it3" && m.cases[2].error == "Loc")
        m.apply(FailureSelection(cases: [], uncoveredErrorTypes: [], uncoveredClasses: [], collapsedDuplicates: 0), iteration: "it4")
        #expect(m.cases.map(\.id) == ["sample-4"])  // only the pinned one survives an empty selection
    }

    @Test func addRemovePinUnpin() throws {
        var m = sample
        #expect(throws: FailuresError("case gt-9 is already in the failure set")) { try m.add(sample.cases[0]) }
        try m.setPinned(true, id: "gt-9", note: "keep")
        #expect(m.cases[0].pinned && m.cases[0].note == "keep")
        try m.setPinned(false, id: "gt-9")
        #expect(!m.cases[0].pinned && m.cases[0].note == "keep")
        try m.remove(id: "gt-9")
        #expect(m.cases.map(\.id) == ["sample-4"])
        #expect(throws: FailuresError("case gt-9 is not in the failure set")) { try m.remove(id: "gt-9") }
    }
}
