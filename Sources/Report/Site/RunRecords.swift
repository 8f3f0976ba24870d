import Foundation

/// What a `fovea train` run folder records, read back for the report: metrics.csv (Lightning's CSVLogger layout),
/// hparams.yaml and advisories.txt.
public struct RunRecords {
    /// Column → (step, value) for every non-empty cell, in file order.
    public var columns: [String: [(step: Int, value: Double)]] = [:]
    public var hyperparameters: [(key: String, value: String)] = []
    public var advisories: [String] = []

    public init(directory: String) throws {
        let folder = URL(fileURLWithPath: directory)
        let csv = folder.appendingPathComponent("metrics.csv")
        guard let text = try? String(contentsOf: csv, encoding: .utf8) else { throw ReportError("\(csv.path): cannot read") }
        var lines = text.split(whereSeparator: \.isNewline).map(String.init)
        guard !lines.isEmpty else { throw ReportError("\(csv.path): empty") }
        let header = lines.removeFirst().split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        guard let stepColumn = header.firstIndex(of: "step") else { throw ReportError("\(csv.path): no `step` column") }
        for (number, line) in lines.enumerated() {
            let cells = line.split(separator: ",", omittingEmptySubsequences: false)
            guard cells.count == header.count, let step = Int(cells[stepColumn]) else {
                throw ReportError("\(csv.path):\(number + 2): expected \(header.count) cells with an integer step")
            }
            for (column, cell) in zip(header, cells) where column != "step" && !cell.isEmpty {
                guard let value = Double(cell) else { throw ReportError("\(csv.path):\(number + 2): \(column): not a number: \(cell)") }
                columns[column, default: []].append((step, value))
            }
        }
        if let yaml = try? String(contentsOf: folder.appendingPathComponent("hparams.yaml"), encoding: .utf8) {
            for line in yaml.split(whereSeparator: \.isNewline) {
                guard let colon = line.firstIndex(of: ":"), !line.hasPrefix(" "), !line.hasPrefix("#") else { continue }
                hyperparameters.append((String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)))
            }
        }
        if let text = try? String(contentsOf: folder.appendingPathComponent("advisories.txt"), encoding: .utf8) {
            advisories = text.split(whereSeparator: \.isNewline).map(String.init)
        }
    }

    public func series(_ column: String) -> [(x: Double, y: Double)] {
        (columns[column] ?? []).map { (Double($0.step), $0.value) }
    }

    /// Per-layer gradient norms (`grad_norm/<layer>` columns) as layers × steps, at most `maxSteps` evenly spaced steps.
    func gradientNorms(maxSteps: Int = 160) -> (layers: [String], steps: [Int], norms: [[Double]])? {
        let prefix = "grad_norm/"
        let layerColumns = columns.keys.filter { $0.hasPrefix(prefix) }
        guard let first = layerColumns.first, let all = columns[first], !all.isEmpty else { return nil }
        // Keep the module order of the first appearance in metrics.csv's header is lost in a dictionary: sort by
        // name, which for torchvision paths groups stages and blocks in network order.
        let layers = layerColumns.sorted { $0.localizedStandardCompare($1) == .orderedAscending }
        let stride = max(1, (all.count + maxSteps - 1) / maxSteps)
        let picked = Swift.stride(from: 0, to: all.count, by: stride).map { all[$0].step }
        var norms = [[Double]]()
        for layer in layers {
            let byStep = Dictionary((columns[layer] ?? []).map { ($0.step, $0.value) }, uniquingKeysWith: { a, _ in a })
            norms.append(picked.map { byStep[$0] ?? .nan })
        }
        return (layers.map { String($0.dropFirst(prefix.count)) }, picked, norms)
    }
}
