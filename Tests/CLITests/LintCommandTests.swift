import Foundation
import Testing

@Suite struct LintCommandTests {
    @Test func brokenDatasetExitsOneWithEveryFinding() throws {
        let json = FileManager.default.temporaryDirectory.appendingPathComponent("lint-\(UUID().uuidString).json")
        let file = repositoryRoot.appendingPathComponent("fixtures/lint/coco-broken/annotations.json").path
        let run = try runFovea(["lint", file, "--json", json.path])
        #expect(run.status == 1)
        #expect(run.err.isEmpty)
        #expect(run.out.hasSuffix("\(file): 16 errors, 6 warnings\n"))
        #expect(run.out.contains("annotations[0].bbox"))
        let doc = try JSONSerialization.jsonObject(with: Data(contentsOf: json)) as! [String: Any]
        #expect(doc["errors"] as? Int == 16)
        #expect((doc["findings"] as? [[String: Any]])?.count == 22)
    }

    @Test func warningsAloneExitZero() throws {
        let run = try runFovea(["lint", repositoryRoot.appendingPathComponent("fixtures/shapes/detection/annotations.json").path])
        #expect(run.status == 0)
        #expect(run.out.contains(": 0 errors, 4 warnings"))
    }

    @Test func missingDatasetIsOneLine() throws {
        let run = try runFovea(["lint", "/no/such/dataset"])
        #expect(run.status == 1)
        #expect(run.err == "fovea: /no/such/dataset: no such file or folder\n")
    }
}
