import Datasets
import Foundation

/// What a reviewer opening one page would notice: console errors, failed loads, broken images, where links go,
/// whether anything tried to reach the network, and whether the first screen shows anything at all.
struct PageInspection {
    var url: URL
    /// console.error / console.assert calls, uncaught exceptions, and browser log entries at level error.
    var consoleErrors: [String] = []
    /// Requests that failed (missing file, blocked, HTTP status ≥ 400), each with its URL.
    var failedRequests: [String] = []
    /// Every `<img>` after load: loaded means `complete && naturalWidth > 0`.
    var images: [(src: String, loaded: Bool)] = []
    /// Every `<a href>`, resolved to an absolute URL.
    var links: [String] = []
    /// PNG of the viewport, scrolled to the top.
    var screenshot = Data()
    /// Share of screenshot pixels that differ from the page background colour; 0 for a blank page.
    var nonBackgroundFraction = 0.0
    /// Every request to something other than a local file (an offline report makes none; all are blocked).
    var externalRequests: [String] = []

    /// A screenshot with less content than this share of its pixels counts as blank: about 20 pixels of a
    /// 1280×800 viewport, less than one character (the word "ok" in 16 px type covers 95), so only a page that
    /// shows nothing fails.
    static let blankBelow = 0.00002

    /// One line per problem, empty when the page is clean.
    var problems: [String] {
        let page = url.lastPathComponent
        return consoleErrors.map { "\(page): console error: \($0)" }
            + failedRequests.map { "\(page): failed request: \($0)" }
            + images.filter { !$0.loaded }.map { "\(page): image did not load: \($0.src)" }
            + externalRequests.map { "\(page): request outside the report: \($0)" }
            + (nonBackgroundFraction < Self.blankBelow
                ? ["\(page): screenshot is blank (\(nonBackgroundFraction) of pixels differ from the background)"] : [])
    }

    /// Share of pixels whose red, green or blue differs from `background` by more than `tolerance` (a colour
    /// managed round trip can move a channel by one).
    static func nonBackgroundFraction(png: Data, background: [Int], tolerance: Int = 2,
                                      file: String) throws -> Double {
        var image = try ImageCodecs.decode(png, file: file)
        if image.layout != .rgb && image.layout != .rgba || image.bitDepth != 8 { image = image.rgb8() }
        guard case .uint8(let samples) = image.samples, image.width * image.height > 0 else { return 0 }
        let channels = image.channels, rowLength = image.width * channels
        // Rows that match the background exactly are skipped with one memcmp: most of a screenshot is background,
        // and a per-pixel loop over a million pixels is slow in a debug build.
        let (red, green, blue) = (background[0], background[1], background[2])
        let plainPixel = [red, green, blue, 255].prefix(channels).map { UInt8(clamping: $0) }
        let plainRow = [[UInt8]](repeating: plainPixel, count: image.width).flatMap { $0 }
        // Plain integer comparisons: generic `abs` is not specialised in a debug build and costs microseconds.
        func differs(_ sample: UInt8, _ reference: Int) -> Bool {
            let difference = Int(sample) - reference
            return difference > tolerance || difference < -tolerance
        }
        var differing = 0
        samples.withUnsafeBufferPointer { pixels in
            for row in 0..<image.height {
                let start = row * rowLength
                if memcmp(pixels.baseAddress! + start, plainRow, rowLength) == 0 { continue }
                var index = start
                while index < start + rowLength {
                    if differs(pixels[index], red) || differs(pixels[index + 1], green)
                        || differs(pixels[index + 2], blue) {
                        differing += 1
                    }
                    index += channels
                }
            }
        }
        return Double(differing) / Double(image.width * image.height)
    }
}
