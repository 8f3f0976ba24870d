import Foundation

/// What lint learns from decoding one image: its size, a digest of its pixels and a small grey thumbnail.
struct ImageSurvey {
    static let thumbnailSide = 16

    let file: String
    let width: Int
    let height: Int
    /// SHA-256 of the RGB8 pixels: equal for the same picture saved twice, in any lossless format.
    let pixelDigest: String
    /// Area-averaged grey levels (0…255), thumbnailSide², row-major.
    let thumbnail: [Double]

    static func read(_ path: String, limits: ImageLimits) -> Result<ImageSurvey, ImageCodecError> {
        Result { () throws(ImageCodecError) -> ImageSurvey in
            let rgb = try ImageCodecs.read(path: path, limits: limits).rgb8()
            guard case .uint8(let pixels) = rgb.samples else { preconditionFailure("rgb8() yields 8-bit samples") }
            return ImageSurvey(file: path, width: rgb.width, height: rgb.height, pixelDigest: SHA256.hex(pixels),
                               thumbnail: thumbnail(pixels, width: rgb.width, height: rgb.height))
        }
    }

    /// Surveys every path on all cores, results in path order.
    static func readAll(_ paths: [String], limits: ImageLimits) -> [Result<ImageSurvey, ImageCodecError>] {
        let workers = max(1, min(ProcessInfo.processInfo.activeProcessorCount, paths.count))
        let loader = PrefetchingLoader(count: paths.count, workers: workers, prefetch: 4 * workers) { index in
            read(paths[index], limits: limits)
        }
        var results: [Result<ImageSurvey, ImageCodecError>] = []
        while let next = loader.next() {
            // The load closure never throws: failures travel inside its Result.
            if case .success(let survey) = next { results.append(survey) }
        }
        return results
    }

    private static func thumbnail(_ rgb: [UInt8], width: Int, height: Int) -> [Double] {
        let side = thumbnailSide
        var cells = [Double](repeating: 0, count: side * side)
        for cellY in 0..<side {
            let y0 = cellY * height / side, y1 = max(y0 + 1, (cellY + 1) * height / side)
            for cellX in 0..<side {
                let x0 = cellX * width / side, x1 = max(x0 + 1, (cellX + 1) * width / side)
                var sum = 0
                for y in y0..<min(y1, height) {
                    for x in x0..<min(x1, width) {
                        let index = (y * width + x) * 3
                        sum += Int(rgb[index]) + Int(rgb[index + 1]) + Int(rgb[index + 2])
                    }
                }
                let count = max(1, (min(y1, height) - y0) * (min(x1, width) - x0))
                cells[cellY * side + cellX] = Double(sum) / Double(3 * count)
            }
        }
        return cells
    }

    /// Exact duplicates (same pixels) and near duplicates (thumbnails within `threshold` grey levels on average),
    /// each reported once, on the later file. Thumbnails are sorted by mean, since the mean absolute difference is
    /// at least the difference of means: only neighbours closer than the threshold need comparing.
    static func duplicates(_ surveys: [ImageSurvey], threshold: Double) -> [LintFinding] {
        var findings: [LintFinding] = []
        var firstWithDigest: [String: Int] = [:]
        for (index, survey) in surveys.enumerated() {
            if let first = firstWithDigest[survey.pixelDigest] {
                findings.append(LintFinding(.warning, "image-duplicate", file: survey.file,
                                            "same pixels as \(surveys[first].file)"))
            } else {
                firstWithDigest[survey.pixelDigest] = index
            }
        }
        let means = surveys.map { $0.thumbnail.reduce(0, +) / Double($0.thumbnail.count) }
        let order = surveys.indices.sorted { means[$0] < means[$1] }
        var nearPairs: [(Int, Int, Double)] = []
        for (position, i) in order.enumerated() {
            for j in order[(position + 1)...] {
                if means[j] - means[i] > threshold { break }
                guard surveys[i].pixelDigest != surveys[j].pixelDigest else { continue }
                let difference = zip(surveys[i].thumbnail, surveys[j].thumbnail).reduce(0) { $0 + abs($1.0 - $1.1) }
                    / Double(surveys[i].thumbnail.count)
                if difference <= threshold { nearPairs.append((min(i, j), max(i, j), difference)) }
            }
        }
        for (first, later, difference) in nearPairs.sorted(by: { ($0.1, $0.0) < ($1.1, $1.0) }) {
            let rounded = (difference * 10).rounded() / 10
            findings.append(LintFinding(.warning, "image-near-duplicate", file: surveys[later].file,
                                        "nearly the same picture as \(surveys[first].file) (\(rounded) grey levels apart on average)"))
        }
        return findings
    }
}

/// Warnings about how samples spread over classes.
enum ClassBalance {
    /// `counts` by class name, in class order; `file` is where the classes are declared.
    static func findings(_ counts: [(name: String, count: Int)], file: String, unit: String,
                         options: DatasetLint.Options) -> [LintFinding] {
        var findings = counts.filter { $0.count < options.minSamplesPerClass }.map {
            LintFinding(.warning, "class-few-samples", file: file, location: "class \($0.name)",
                        "\($0.count) \(unit), fewer than \(options.minSamplesPerClass)")
        }
        let present = counts.filter { $0.count > 0 }
        if let most = present.max(by: { $0.count < $1.count }), let fewest = present.min(by: { $0.count < $1.count }),
           Double(most.count) / Double(fewest.count) > options.maxImbalance {
            let ratio = (Double(most.count) / Double(fewest.count) * 10).rounded() / 10
            findings.append(LintFinding(.warning, "class-imbalance", file: file,
                                        "imbalance ratio \(ratio) above \(options.maxImbalance): \(most.name) has \(most.count) "
                                        + "\(unit), \(fewest.name) \(fewest.count)"))
        }
        return findings
    }
}
