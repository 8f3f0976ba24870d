import Foundation
import FuzzTargets

/// Deterministic mutations of a seed, in the spirit of libFuzzer's (bit flips, truncation, byte runs) plus the
/// one that finds most reader bugs: a length or size field made huge, zero or negative.
struct Mutator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    /// SplitMix64: the same sequence on every machine, so a failing mutation is reproducible by its index.
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func below(_ n: Int) -> Int { n <= 1 ? 0 : Int(next() % UInt64(n)) }

    mutating func mutate(_ input: Data, for target: FuzzTarget) -> Data {
        var bytes = [UInt8](input)
        guard !bytes.isEmpty else { return Data([UInt8](repeating: 0xFF, count: 1 + below(16))) }
        switch below(7) {
        case 0:  // flip 1–8 bits
            for _ in 0...below(8) { bytes[below(bytes.count)] ^= UInt8(1) << UInt8(below(8)) }
        case 1:  // truncate
            bytes.removeLast(1 + below(bytes.count))
        case 2:  // overwrite a run with 0x00 or 0xFF
            let start = below(bytes.count), fill: UInt8 = below(2) == 0 ? 0 : 0xFF
            for i in start..<min(bytes.count, start + 1 + below(8)) { bytes[i] = fill }
        case 3:  // duplicate a slice in place (repeated chunks, entries, markers)
            let start = below(bytes.count), end = min(bytes.count, start + 1 + below(64))
            bytes.insert(contentsOf: bytes[start..<end], at: end)
        case 4, 5:
            inflateLength(&bytes, for: target)
        default:
            nest(&bytes, for: target)
        }
        return Data(bytes)
    }

    /// A JSON value nested far deeper than any real file (a recursive parser overflows its stack on it).
    private mutating func nest(_ bytes: inout [UInt8], for target: FuzzTarget) {
        let depth = [1_000, 100_000, 400_000][below(3)]
        let bomb = [UInt8](repeating: UInt8(ascii: "["), count: depth) + [UInt8](repeating: UInt8(ascii: "]"), count: depth)
        switch target {
        case .cocoGroundTruth, .cocoInstances:
            bytes = Array("{\"info\":".utf8) + bomb + Array(",".utf8) + bytes.dropFirst()
        case .cocoResults:
            bytes = Array("[{\"image_id\":1,\"extra\":".utf8) + bomb + Array("},".utf8) + bytes.dropFirst()
        case .safetensors:
            let header = Array("{\"__metadata__\":{\"x\":".utf8) + bomb + Array("}}".utf8)
            bytes = withUnsafeBytes(of: UInt64(header.count).littleEndian) { Array($0) } + header
        case .png, .jpeg, .npy:
            inflateLength(&bytes, for: target)
        }
    }

    /// Rewrites a length, size or count field of the format with an extreme value.
    private mutating func inflateLength(_ bytes: inout [UInt8], for target: FuzzTarget) {
        switch target {
        case .png: inflatePNG(&bytes)
        case .jpeg: inflateJPEG(&bytes)
        case .npy:
            // Header length (bytes 8–9, or 8–11 in format 2), else a shape entry.
            if bytes.count >= 12, below(2) == 0 {
                for i in 8..<(bytes[6] == 1 ? 10 : 12) { bytes[i] = UInt8(truncatingIfNeeded: next()) }
            } else { inflateNumber(&bytes) }
        case .safetensors:
            if bytes.count >= 8, below(3) == 0 {
                let length = [UInt64.max, 1 << 63, UInt64(bytes.count), UInt64(below(1 << 20))][below(4)]
                withUnsafeBytes(of: length.littleEndian) { for i in 0..<8 { bytes[i] = $0[i] } }
            } else { inflateNumber(&bytes) }
        case .cocoGroundTruth, .cocoResults, .cocoInstances:
            inflateNumber(&bytes)
        }
    }

    private static let extremes = ["9223372036854775807", "-9223372036854775808", "18446744073709551616", "-1", "0",
                                   "1e308", "-1e308", "4294967296", "100000", "1.5", "NaN", "1e999"]

    /// Replaces one number of the text (a JSON value or the npy header's shape) with an extreme one.
    private mutating func inflateNumber(_ bytes: inout [UInt8]) {
        let isDigit = { (b: UInt8) in b >= 0x30 && b <= 0x39 }
        let starts = bytes.indices.filter { isDigit(bytes[$0]) && ($0 == 0 || !isDigit(bytes[$0 - 1])) }
        guard !starts.isEmpty else { bytes[below(bytes.count)] = 0x39; return }
        let start = starts[below(starts.count)]
        var end = start
        while end < bytes.count, isDigit(bytes[end]) || bytes[end] == 0x2E { end += 1 }
        bytes.replaceSubrange(start..<end, with: Array(Self.extremes[below(Self.extremes.count)].utf8))
    }

    /// A chunk length, or the IHDR width or height.
    private mutating func inflatePNG(_ bytes: inout [UInt8]) {
        var chunks: [Int] = [], offset = 8
        while offset + 8 <= bytes.count {
            chunks.append(offset)
            let length = bytes[offset..<(offset + 4)].reduce(0) { $0 << 8 | Int($1) }
            offset += 12 + length
        }
        guard !chunks.isEmpty else { return }
        let value: UInt32 = [0x7FFF_FFFF, 0xFFFF_FFFF, 0, 1 << 16, UInt32(below(1 << 12))][below(5)]
        // IHDR's width and height start 8 bytes into the first chunk's header.
        let field = below(3) == 0 && bytes.count >= 24 ? 16 + 4 * below(2) : chunks[below(chunks.count)]
        for i in 0..<4 { bytes[field + i] = UInt8(truncatingIfNeeded: value >> (24 - 8 * UInt32(i))) }
    }

    /// A marker segment's length, or the frame header's height or width.
    private mutating func inflateJPEG(_ bytes: inout [UInt8]) {
        let markers = bytes.indices.dropLast(3).filter { bytes[$0] == 0xFF && bytes[$0 + 1] >= 0xC0 && bytes[$0 + 1] != 0xD8
            && bytes[$0 + 1] != 0xFF && !(0xD0...0xD7).contains(bytes[$0 + 1]) }
        guard !markers.isEmpty else { return }
        let marker = markers[below(markers.count)]
        let value: UInt16 = [0xFFFF, 0, 1, 2, UInt16(below(1 << 16))][below(5)]
        // SOF0–SOF2: height at +5, width at +7; otherwise the segment length at +2.
        let isFrame = (0xC0...0xC2).contains(bytes[marker + 1]) && marker + 9 <= bytes.count
        let field = isFrame && below(2) == 0 ? marker + 5 + 2 * below(2) : marker + 2
        bytes[field] = UInt8(value >> 8)
        bytes[field + 1] = UInt8(value & 0xFF)
    }
}
