import Attribution
import Datasets
import Foundation
import NN
import Report
import Tensors

/// The heat-map stage shared by every task: one overlay per failure case and method, `cams/<case>/<method>.png`, each
/// explaining the case's own target (a class, a detector's box, a segmenter's region) on the case's image.
struct CaseHeatMaps {
    let folder: URL
    let methods: [CAMMethod]

    /// One case as the network sees it: its input, what to explain, and the picture to draw on. `window` is where the
    /// picture lies in the input (a letterbox pads around it); the map is cut to it and stretched over the picture.
    struct Item {
        var id: String
        var input: Tensor             // [1, 3, H, W], preprocessed
        var target: Target
        var picture: Image
        var window: (top: Int, left: Int, height: Int, width: Int)
    }

    func overlay(_ caseId: String, _ method: CAMMethod) -> URL {
        folder.appendingPathComponent(SafeFileName.make(caseId)).appendingPathComponent("\(SafeFileName.make(method.rawValue)).png")
    }

    /// The overlays drawn for a case, for its snapshot in the report.
    func cams(of caseId: String) -> [CaseSnapshot.CAM] {
        methods.compactMap { method in
            let url = overlay(caseId, method)
            return FileManager.default.fileExists(atPath: url.path) ? .init(method: method.rawValue, overlay: url.path) : nil
        }
    }

    /// Adds the overlays on disk to every case and top error of a record.
    func attach(to record: inout IterationRecord) {
        for i in record.cases.indices { record.cases[i].cams = cams(of: record.cases[i].id) }
        for i in (record.topErrors ?? []).indices { record.topErrors![i].cams = cams(of: record.topErrors![i].id) }
    }

    func draw(_ items: [Item], model: Module, layer: String, config: String, log: (String) -> Void) throws {
        guard !items.isEmpty else { return }
        let engine: CAMEngine
        do { engine = try CAMEngine(model: model, layers: [layer]) } catch let e as CAMEngine.Failure {
            throw IterationError("\(config): cam_layer: \(e.description)")
        }
        let x = Tensor.concat(items.map(\.input), axis: 0), (h, w) = (x.shape[2], x.shape[3])
        for method in methods {
            let maps: Tensor
            do { maps = try engine.maps(x, method: method, targets: items.map(\.target)) } catch let e as CAMEngine.Failure {
                throw IterationError("\(config): \(e.description)")
            }
            for (i, item) in items.enumerated() {
                let v = item.window, plane = maps.data + i * h * w
                var map = [Float](repeating: 0, count: v.height * v.width)
                for y in 0..<v.height { for x in 0..<v.width { map[y * v.width + x] = plane[(v.top + y) * w + v.left + x] } }
                let url = overlay(item.id, method)
                try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try HeatmapOverlay(image: item.picture, map: map, mapWidth: v.width, mapHeight: v.height).png(scale: 1)
                    .write(to: url, options: .atomic)
            }
            log("cam: \(method.rawValue) at \(layer) for \(items.count) cases")
        }
    }
}
