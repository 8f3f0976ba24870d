/// pycocotools' compressed RLE string: LEB128-like, 5 bits per character in ASCII 48–111, and from the
/// fourth count on each value stored as the difference to the count two places back.
public enum RunLengthString {
    public static func encode(_ counts: [UInt32]) -> String {
        var bytes = [UInt8](); bytes.reserveCapacity(counts.count * 2)
        for i in counts.indices {
            var x = Int64(counts[i])
            if i > 2 { x -= Int64(counts[i - 2]) }
            var more = true
            while more {
                var c = UInt8(truncatingIfNeeded: x & 0x1f)
                x >>= 5
                more = (c & 0x10) != 0 ? x != -1 : x != 0
                if more { c |= 0x20 }
                bytes.append(c + 48)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Decodes a counts string; nil when it holds characters outside the alphabet.
    public static func decode(_ string: String) -> [UInt32]? {
        var counts = [UInt32]()
        var utf8 = string.utf8.makeIterator()
        var pending = utf8.next()
        while let first = pending {
            var x: Int64 = 0, k: Int64 = 0
            var byte: UInt8? = first
            var more = true
            while more {
                guard let b = byte, b >= 48, b < 48 + 64 else { return nil }
                let c = Int64(b - 48)
                x |= (c & 0x1f) << (5 * k)
                more = (c & 0x20) != 0
                k += 1
                if !more && (c & 0x10) != 0 { x |= -1 << (5 * k) }
                byte = more ? utf8.next() : nil
            }
            // Wrapping, as pycocotools' C code in effect does: only the low 32 bits are kept, and a hostile string
            // of many continuation characters must not trap.
            if counts.count > 2 { x &+= Int64(counts[counts.count - 2]) }
            counts.append(UInt32(truncatingIfNeeded: x))
            pending = utf8.next()
        }
        return counts
    }
}
