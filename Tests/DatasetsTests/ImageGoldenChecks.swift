import Datasets
import Testing

/// Compares a decoded image with its golden record; shared by the PNG and JPEG conformance tests.
func expectMatches(_ image: Image, _ expected: Goldens.Expected, _ name: String) {
    #expect(image.width == expected.width, "\(name) width")
    #expect(image.height == expected.height, "\(name) height")
    #expect("\(image.layout)" == layoutDescription(expected.layout), "\(name) layout")
    #expect(image.bitDepth == expected.bitDepth, "\(name) bit depth")
    for probe in expected.pixels ?? [] {
        let actual = (0..<image.channels).map { image.sample(x: probe.x, y: probe.y, channel: $0) }
        #expect(actual == probe.values, "\(name) pixel (\(probe.x), \(probe.y))")
    }
    #expect(sampleDigest(image) == expected.sha256, "\(name) samples differ from the golden")
}

/// SHA-256 of the samples in the golden layout: bytes, or big-endian pairs for 16-bit samples.
func sampleDigest(_ image: Image) -> String {
    switch image.samples {
    case .uint8(let values): return SHA256.hex(values)
    case .uint16(let values): return SHA256.hex(values.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] })
    }
}

private func layoutDescription(_ golden: String?) -> String {
    ["gray": "gray", "grayAlpha": "gray+alpha", "rgb": "RGB", "rgba": "RGBA"][golden ?? ""] ?? "unknown"
}

/// Decoding `path` must throw an ImageCodecError that names the file on a single line.
func expectRejected(_ path: String, mentioning detail: String? = nil, limits: ImageLimits = .default) {
    do {
        let image = try ImageCodecs.read(path: path, limits: limits)
        Issue.record("\(path) decoded to \(image.width)×\(image.height) but must be rejected")
    } catch {
        #expect(error.file == path)
        #expect(error.description.hasPrefix(path + ": "))
        #expect(!error.description.contains("\n"))
        #expect(error.problem.count > 5, "the message must say what is wrong")
        if let detail { #expect(error.description.contains(detail), "\(error.description)") }
    }
}
