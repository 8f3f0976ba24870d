import Foundation
import NN

/// RUN/metrics.csv in PyTorch Lightning's CSVLogger layout: a header of every metric name plus `step`, sorted
/// (as its writer sorts keys), one row per logging call, empty cells where a row lacks a metric.
/// A flush appends the new rows; only a new column (or the first flush) rewrites the whole file, atomically.
public final class MetricsLog {
    public let url: URL
    public private(set) var rows: [(step: Int, values: [String: Double])] = []
    private var flushed: (header: [String], rows: Int)?

    public init(url: URL) { self.url = url }

    /// Reads an existing file (resume), keeping only rows before `step`: those after the checkpoint are replayed.
    public init(resuming url: URL, before step: Int) throws {
        self.url = url
        guard let text = try? String(contentsOf: url, encoding: .utf8) else { return }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: true).map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        guard !lines.isEmpty else { return }
        let header = lines.removeFirst()
        guard let stepColumn = header.firstIndex(of: "step") else { return }
        for cells in lines where cells.count == header.count {
            guard let rowStep = Int(cells[stepColumn]), rowStep < step else { continue }
            var values: [String: Double] = [:]
            for (name, cell) in zip(header, cells) where name != "step" && !cell.isEmpty { values[name] = Double(cell) }
            rows.append((rowStep, values))
        }
    }

    public func log(step: Int, _ values: [String: Double]) { rows.append((step, values)) }

    public func csv() -> String {
        let names = columns()
        return names.joined(separator: ",") + "\n" + rows.map { line($0, names) }.joined()
    }

    public func flush() throws {
        let names = columns()
        if let flushed, flushed.header == names, let handle = try? FileHandle(forWritingTo: url) {
            defer { try? handle.close() }
            try handle.seekToEnd()
            try handle.write(contentsOf: Data(rows[flushed.rows...].map { line($0, names) }.joined().utf8))
        } else {
            try AtomicFile.write(Data(csv().utf8), to: url)
        }
        flushed = (names, rows.count)
    }

    private func columns() -> [String] { Set(rows.flatMap(\.values.keys)).union(["step"]).sorted() }

    private func line(_ row: (step: Int, values: [String: Double]), _ names: [String]) -> String {
        names.map { name in name == "step" ? String(row.step) : row.values[name].map(Self.format) ?? "" }.joined(separator: ",") + "\n"
    }

    /// Python's repr of a float, which Lightning writes: integral values keep a ".0".
    static func format(_ x: Double) -> String {
        if x.isNaN { return "nan" }
        if x.isInfinite { return x > 0 ? "inf" : "-inf" }
        return "\(x)"
    }
}

/// RUN/hparams.yaml as Lightning's `save_hparams_to_yaml` writes a flat dict: `key: value`, keys sorted.
public enum HyperparameterFile {
    public static func yaml(_ pairs: [(key: String, value: String)]) -> String {
        pairs.sorted { $0.key < $1.key }.map { "\($0.key): \(quoted($0.value))\n" }.joined()
    }

    public static func write(_ pairs: [(key: String, value: String)], to url: URL) throws {
        try AtomicFile.write(Data(yaml(pairs).utf8), to: url)
    }

    /// Values that YAML would read as something else (paths with ':' or '#', empty strings) are quoted.
    private static func quoted(_ value: String) -> String {
        let plain = !value.isEmpty && value.allSatisfy { $0.isLetter || $0.isNumber || "._-/+[], ".contains($0) } && !value.hasPrefix(" ")
        return plain ? value : "'" + value.replacingOccurrences(of: "'", with: "''") + "'"
    }
}
