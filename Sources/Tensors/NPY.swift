import Foundation

/// NumPy `.npy` files (format 1.0/2.0, little-endian float32 or float64, C order): the exact-parity path for
/// inputs and the way logits and CAM maps leave Fovea.
public enum NPY {
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    public static func read(_ url: URL) throws -> Tensor {
        let path = url.path
        func fail(_ what: String) -> Failure { Failure(description: "\(path): \(what)") }
        guard let data = FileManager.default.contents(atPath: path) else { throw fail("cannot read the file") }
        let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]
        guard data.count >= 10, Array(data.prefix(6)) == magic else { throw fail("not a .npy file (magic bytes missing)") }
        let major = data[6]
        let headerLength: Int, headerStart: Int
        switch major {
        case 1: headerLength = Int(data[8]) | Int(data[9]) << 8; headerStart = 10
        case 2, 3:
            guard data.count >= 12 else { throw fail("truncated header") }
            headerLength = (8..<12).reduce(0) { $0 | Int(data[$1]) << (8 * ($1 - 8)) }; headerStart = 12
        default: throw fail("format version \(major) is not supported")
        }
        guard headerStart + headerLength <= data.count,
              let header = String(data: data.subdata(in: headerStart..<(headerStart + headerLength)), encoding: .ascii) else {
            throw fail("truncated header")
        }
        guard let descr = field(header, "descr") else { throw fail("header: descr missing") }
        let itemSize: Int
        switch descr {
        case "'<f4'", "'float32'": itemSize = 4
        case "'<f8'", "'float64'": itemSize = 8
        default: throw fail("header: descr \(descr) is not little-endian float32 or float64")
        }
        guard field(header, "fortran_order") == "False" else { throw fail("header: fortran_order must be False") }
        guard let shapeText = field(header, "shape"), shapeText.hasPrefix("("), shapeText.hasSuffix(")") else {
            throw fail("header: shape missing")
        }
        let dims = shapeText.dropFirst().dropLast().split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        let shape = try dims.map { d -> Int in
            guard let v = Int(d), v >= 0 else { throw fail("header: shape entry '\(d)' is not a size") }
            return v
        }
        // A header may declare any shape: sizes are multiplied with overflow checks, so a huge one is refused, not a trap.
        guard let count = shape.reduce(Optional(1), { product, size in product.flatMap { checkedProduct($0, size) } }),
              let byteCount = checkedProduct(count, itemSize) else {
            throw fail("header: shape \(shape) holds more elements than memory can")
        }
        let start = headerStart + headerLength
        guard data.count - start == byteCount else {
            throw fail("\(data.count - start) data bytes for shape \(shape), expected \(byteCount)")
        }
        let out = Tensor(zeros: shape)
        data.withUnsafeBytes { raw in
            let bytes = raw.baseAddress! + start
            for i in 0..<count {
                out.data[i] = itemSize == 4
                    ? Float(bitPattern: UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self)))
                    : Float(Double(bitPattern: UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self))))
            }
        }
        return out
    }

    /// Writes float32, format 1.0, header padded so the data starts on a 64-byte boundary (as NumPy does).
    public static func encode(_ t: Tensor) -> Data {
        let shape = t.shape.count == 1 ? "(\(t.shape[0]),)" : "(" + t.shape.map(String.init).joined(separator: ", ") + ")"
        var header = "{'descr': '<f4', 'fortran_order': False, 'shape': \(shape), }"
        let unpadded = 10 + header.utf8.count + 1
        header += String(repeating: " ", count: (64 - unpadded % 64) % 64) + "\n"
        var data = Data([0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 1, 0])
        data.append(contentsOf: [UInt8(header.utf8.count & 0xFF), UInt8(header.utf8.count >> 8)])
        data.append(Data(header.utf8))
        data.append(Data(bytes: t.data, count: t.count * 4))
        return data
    }

    private static func checkedProduct(_ a: Int, _ b: Int) -> Int? {
        let (product, overflow) = a.multipliedReportingOverflow(by: b)
        return overflow ? nil : product
    }

    /// The text of `'key': value` in a header dictionary (value up to the next top-level comma).
    private static func field(_ header: String, _ key: String) -> String? {
        guard let r = header.range(of: "'\(key)':") else { return nil }
        var depth = 0, end = header.endIndex
        for i in header[r.upperBound...].indices {
            let ch = header[i]
            if ch == "(" { depth += 1 } else if ch == ")" { depth -= 1 }
            if (ch == "," && depth == 0) || ch == "}" { end = i; break }
        }
        return header[r.upperBound..<end].trimmingCharacters(in: .whitespaces)
    }
}
