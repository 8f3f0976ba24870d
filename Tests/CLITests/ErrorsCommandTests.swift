import Foundation
import Testing

/// `fovea errors` exit codes and one-line errors, end to end.
@Suite struct ErrorsCommandTests {
    let dir: URL = {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("fovea-errors-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: d, withIntermediateDirectories: true)
        return d
    }()
    let gt = #"{"images":[{"id":1,"width":10,"height":10}],"categories":[{"id":1,"name":"a"}],"annotations":[{"id":1,"image_id":1,"category_id":1,"bbox":[1,1,4,4],"area":16,"iscrowd":0}]}"#

    func write(_ name: String, _ text: String) throws -> String {
        let url = dir.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url.path
    }

    @Test func perfectDetectionHasAPOne() throws {
        let json = dir.appendingPathComponent("report.json").path
        let run = try runFovea(["errors", "--gt", try write("gt.json", gt), "--pred",
                                try write("dets.json", #"[{"image_id":1,"category_id":1,"bbox":[1,1,4,4],"score":0.9}]"#), "--json", json])
        #expect(run.status == 0, "\(run.err)")
        let doc = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: json))) as! [String: Any]
        #expect((doc["coco"] as? [String: Double])?["AP50"] == 1)
    }

    @Test func malformedInputIsOneLineExitOne() throws {
        let bad = try runFovea(["errors", "--gt", try write("gt.json", gt), "--pred", try write("bad.json", #"[{"image_id":1,"category_id":1,"bbox":[1,1,4],"score":0.9}]"#)])
        #expect(bad.status == 1)
        #expect(bad.err.hasPrefix("fovea: \(dir.appendingPathComponent("bad.json").path)"))
        #expect(bad.err.split(separator: "\n").count == 1)
        let usage = try runFovea(["errors", "--gt", "x.json"])
        #expect(usage.status == 2)
    }
}
