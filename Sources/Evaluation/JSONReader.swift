#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A pull parser over one JSON document, reading values straight into the caller's structures.
/// COCO results files hold millions of numbers; building a generic tree first would double the
/// memory and the time. Errors name the byte position so callers can add file and entry.
final class JSONReader: @unchecked Sendable {  // one reader per thread; forks only read shared bytes
    /// What went wrong at the current value (wrong type, bad literal); callers prefix the entry path.
    struct Mismatch: Error { let message: String }
    /// The document itself is broken (truncated, stray characters).
    struct SyntaxError: Error {
        let message: String
        let offset: Int
        /// The entry being read when it broke, e.g. `annotations[12]`; filled in by the caller.
        var entry: String? = nil
    }

    private let storage: UnsafeMutablePointer<UInt8>
    private let count: Int
    private(set) var position = 0
    /// Who frees the bytes: an allocated buffer, a file mapping, or (a fork) the parent reader,
    /// which must outlive its forks.
    private enum StorageKind { case allocated, mapped, borrowed }
    private var storageKind = StorageKind.allocated

    /// Copies the bytes and appends a NUL sentinel, so every peek past the end reads 0 and `strtod` stops.
    init(bytes: UnsafeRawBufferPointer) {
        count = bytes.count
        storage = .allocate(capacity: count + 1)
        if count > 0 { storage.initialize(from: bytes.bindMemory(to: UInt8.self).baseAddress!, count: count) }
        storage[count] = 0
    }

    /// Maps (large regular files) or reads a file into the parse buffer, with no intermediate copy:
    /// results files run to 100 MB. nil when the file cannot be opened or read.
    init?(path: String) {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { return nil }
        let size = Int(info.st_size)
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        #if os(Linux)
        // A private, pre-populated mapping skips both the copy and a page fault per 4 KB. The sentinel
        // is the zero fill after the end of the file in its last page, so the size must not be a
        // multiple of the page size.
        if size >= 1 << 20, (info.st_mode & S_IFMT) == S_IFREG, size % page != 0,
           let mapped = mmap(nil, size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0), mapped != MAP_FAILED {
            storage = mapped.assumingMemoryBound(to: UInt8.self)
            count = size
            storageKind = .mapped
            return
        }
        #endif
        storage = .allocate(capacity: size + 1)
        var filled = 0
        while filled < size {
            let n = read(fd, storage + filled, size - filled)
            if n <= 0 { break }
            filled += n
        }
        guard filled == size else { storage.deallocate(); return nil }
        count = size
        storage[count] = 0
    }

    /// Input size, for capacity estimates.
    var byteCount: Int { count }

    private init(sharing parent: JSONReader, at position: Int) {
        storage = parent.storage; count = parent.count; storageKind = .borrowed
        self.position = position
    }

    deinit {
        switch storageKind {
        case .allocated: storage.deallocate()
        case .mapped: munmap(storage, count)
        case .borrowed: break
        }
    }

    /// A second reader over the same bytes, starting at `position` (to parse two halves at once).
    func fork(at position: Int) -> JSONReader { JSONReader(sharing: self, at: position) }

    /// Where a second thread could start parsing a top-level array of objects: the `{` of an element
    /// near the middle, recognised by the `}` `,` `{` pattern. A guess — the caller must confirm that
    /// a sequential parse of the first half ends exactly there.
    func likelyElementStart(after offset: Int) -> Int? {
        func skipBack(_ i: Int) -> Int { var i = i; while i > 0, [32, 10, 13, 9].contains(storage[i]) { i -= 1 }; return i }
        var i = offset
        while i < count {
            // i > 0 and comma > 0: the pattern needs two bytes before the `{` (found by FuzzCocoResults: a file
            // starting with `{` read the byte before the buffer).
            if storage[i] == UInt8(ascii: "{"), i > 0 {
                let comma = skipBack(i - 1)
                if storage[comma] == UInt8(ascii: ","), comma > 0, storage[skipBack(comma - 1)] == UInt8(ascii: "}") { return i }
            }
            i += 1
        }
        return nil
    }

    /// Consumes one expected structural byte.
    func expect(_ byte: UInt8, _ what: String) throws { try consume(byte, what) }

    /// Line and column (1-based) of a byte offset, for messages only.
    func lineAndColumn(of offset: Int) -> (line: Int, column: Int) {
        var line = 1, lineStart = 0
        for i in 0..<min(offset, count) where storage[i] == 10 { line += 1; lineStart = i + 1 }
        return (line, offset - lineStart + 1)
    }

    // MARK: tokens

    @inline(__always) private func skipWhitespace() {
        while true {
            let c = storage[position]
            if c == 32 || c == 10 || c == 13 || c == 9 { position += 1 } else { return }
        }
    }

    /// The next significant byte, 0 at the end of input.
    @inline(__always) func peek() -> UInt8 {
        skipWhitespace()
        return storage[position]
    }

    var atEnd: Bool { peek() == 0 && position >= count }

    private func syntaxError(_ expected: String) -> SyntaxError {
        if position >= count { return SyntaxError(message: "truncated JSON (expected \(expected))", offset: position) }
        let found = storage[position]
        let shown = found >= 32 && found < 127 ? "'\(Character(Unicode.Scalar(found)))'" : "byte \(found)"
        return SyntaxError(message: "invalid JSON: expected \(expected), found \(shown)", offset: position)
    }

    @inline(__always) private func consume(_ byte: UInt8, _ what: String) throws {
        if peek() != byte { throw syntaxError(what) }
        position += 1
    }

    /// Kind of the next value, for messages like "expected a number, got a string".
    func describeNext() -> String {
        switch peek() {
        case UInt8(ascii: "\""): return "a string"
        case UInt8(ascii: "["): return "an array"
        case UInt8(ascii: "{"): return "an object"
        case UInt8(ascii: "t"), UInt8(ascii: "f"): return "a boolean"
        case UInt8(ascii: "n"): return "null"
        case 0: return "the end of the file"
        default: return "a number"
        }
    }

    // MARK: containers

    /// Calls `element` once per array item with its index; the callback must consume the item.
    func readArray(_ element: (Int) throws -> Void) throws {
        try consume(UInt8(ascii: "["), "'['")
        if peek() == UInt8(ascii: "]") { position += 1; return }
        var index = 0
        while true {
            try element(index)
            index += 1
            let c = peek()
            if c == UInt8(ascii: ",") { position += 1; continue }
            if c == UInt8(ascii: "]") { position += 1; return }
            throw syntaxError("',' or ']'")
        }
    }

    /// Calls `member` once per key; the callback must consume the value (or call `skipValue`).
    func readObject(_ member: (String) throws -> Void) throws {
        try consume(UInt8(ascii: "{"), "'{'")
        if peek() == UInt8(ascii: "}") { position += 1; return }
        while true {
            if peek() != UInt8(ascii: "\"") { throw syntaxError("a key") }
            let key = try readStringToken()
            try consume(UInt8(ascii: ":"), "':'")
            try member(key)
            let c = peek()
            if c == UInt8(ascii: ",") { position += 1; continue }
            if c == UInt8(ascii: "}") { position += 1; return }
            throw syntaxError("',' or '}'")
        }
    }

    // MARK: scalars

    func readString() throws -> String {
        if peek() != UInt8(ascii: "\"") { throw Mismatch(message: "expected a string, got \(describeNext())") }
        return try readStringToken()
    }

    private func readStringToken() throws -> String {
        position += 1  // opening quote
        let start = position
        var hasEscape = false
        while true {
            let c = storage[position]
            if c == UInt8(ascii: "\"") { break }
            if c == 0 && position >= count { throw syntaxError("'\"'") }
            if c == UInt8(ascii: "\\") { hasEscape = true; position += 1; if position >= count { throw syntaxError("'\"'") } }
            position += 1
        }
        let raw = UnsafeBufferPointer(start: storage + start, count: position - start)
        position += 1
        return hasEscape ? Self.unescape(raw) : String(decoding: raw, as: UTF8.self)
    }

    private static func unescape(_ raw: UnsafeBufferPointer<UInt8>) -> String {
        var out = [UInt8](); out.reserveCapacity(raw.count)
        var i = 0
        while i < raw.count {
            var c = raw[i]
            if c == UInt8(ascii: "\\"), i + 1 < raw.count {
                i += 1; c = raw[i]
                switch c {
                case UInt8(ascii: "n"): out.append(10)
                case UInt8(ascii: "t"): out.append(9)
                case UInt8(ascii: "r"): out.append(13)
                case UInt8(ascii: "b"): out.append(8)
                case UInt8(ascii: "f"): out.append(12)
                case UInt8(ascii: "u") where i + 4 < raw.count:
                    let hex = String(decoding: UnsafeBufferPointer(rebasing: raw[(i + 1)...(i + 4)]), as: UTF8.self)
                    let scalar = UInt32(hex, radix: 16).flatMap(Unicode.Scalar.init) ?? "?"
                    out.append(contentsOf: Array(String(Character(scalar)).utf8))
                    i += 4
                default: out.append(c)  // \" \\ \/
                }
            } else {
                out.append(c)
            }
            i += 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// A JSON number as a correctly rounded Double, the same value Python's `float` gives.
    /// Fast path (Clinger): up to 19 significant digits whose integer value fits in 53 bits, scaled by an
    /// exactly representable power of ten, is one correctly rounded multiplication or division. Anything
    /// else (17-digit mantissas, large exponents) goes to C `strtod`.
    @inline(__always) func readNumber() throws -> Double {
        let c = peek()
        guard c == UInt8(ascii: "-") || (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9")) else {
            if c == UInt8(ascii: "N") || c == UInt8(ascii: "I") {  // Python writes NaN / Infinity
                throw Mismatch(message: "expected a number, got \(literalPreview())")
            }
            throw Mismatch(message: "expected a number, got \(describeNext())")
        }
        if let value = fastNumber() { return value }
        let start = storage + position
        var end: UnsafeMutablePointer<CChar>? = nil
        let value = start.withMemoryRebound(to: CChar.self, capacity: 1) { strtod($0, &end) }
        let consumed = end.map { UnsafeMutableRawPointer($0) - UnsafeMutableRawPointer(start) } ?? 0
        if consumed == 0 { throw syntaxError("a number") }
        position += consumed
        if !value.isFinite { throw Mismatch(message: "expected a finite number, got \(value)") }
        return value
    }

    /// 10^0 … 10^22, all exact doubles (per reader, so the hot path skips lazy-global checks).
    private let exactPowersOfTen: [Double] = (0...22).map { e in (0..<e).reduce(1.0) { r, _ in r * 10 } }

    /// Parses the number at `position` when the fast path is exact; leaves `position` alone otherwise.
    @inline(__always) private func fastNumber() -> Double? {
        var p = position
        let negative = storage[p] == UInt8(ascii: "-")
        if negative { p += 1 }
        var mantissa: UInt64 = 0, digits = 0, exponent = 0
        var c = storage[p]
        guard c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") else { return nil }
        while c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") {
            if digits >= 19 { return nil }
            mantissa = mantissa &* 10 &+ UInt64(c &- UInt8(ascii: "0"))
            if mantissa != 0 { digits += 1 }
            p += 1; c = storage[p]
        }
        if c == UInt8(ascii: ".") {
            p += 1; c = storage[p]
            guard c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") else { return nil }
            while c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") {
                if digits >= 19 { return nil }
                mantissa = mantissa &* 10 &+ UInt64(c &- UInt8(ascii: "0"))
                if mantissa != 0 { digits += 1 }
                exponent -= 1
                p += 1; c = storage[p]
            }
        }
        if c == UInt8(ascii: "e") || c == UInt8(ascii: "E") {
            p += 1; c = storage[p]
            var negativeExponent = false
            if c == UInt8(ascii: "-") || c == UInt8(ascii: "+") { negativeExponent = c == UInt8(ascii: "-"); p += 1; c = storage[p] }
            guard c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") else { return nil }
            var e = 0
            while c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") {
                if e > 10_000 { return nil }
                e = e * 10 + Int(c &- UInt8(ascii: "0"))
                p += 1; c = storage[p]
            }
            exponent += negativeExponent ? -e : e
        }
        if mantissa <= (1 << 53), exponent >= -22, exponent <= 22 {
            var value = Double(mantissa)
            value = exponent < 0 ? value / exactPowersOfTen[-exponent] : value * exactPowersOfTen[exponent]
            position = p
            return negative ? -value : value
        }
        #if arch(x86_64)
        // 17–19 digit mantissas (Python's repr of most floats): x87 extended precision holds the
        // mantissa and 10^k (k ≤ 27) exactly, so the quotient is rounded once to 64 bits. Rounding that
        // to 53 bits is correct unless it sits within one unit of a halfway point: leave those to strtod.
        if exponent >= -27, exponent <= 27, mantissa != 0 {
            let m = Float80(mantissa), scale = extendedPowersOfTen[abs(exponent)]
            let extended = exponent < 0 ? m / scale : m * scale
            let low = extended.significandBitPattern & 0x7FF
            if low < 0x3FF || low > 0x401, extended > 1e-300, extended < 1e300 {
                position = p
                let value = Double(extended)
                return negative ? -value : value
            }
        }
        #endif
        return nil
    }

    #if arch(x86_64)
    /// 10^0 … 10^27, exact in x87 extended precision.
    private let extendedPowersOfTen: [Float80] = (0...27).map { e in (0..<e).reduce(Float80(1)) { r, _ in r * 10 } }
    #endif

    /// An integer-valued number (ids); 3.0 is accepted, 3.5 is not.
    func readInteger() throws -> Int {
        let value = try readNumber()
        guard value == value.rounded(), abs(value) < 9.0e15 else {
            throw Mismatch(message: "expected an integer, got \(value)")
        }
        return Int(value)
    }

    /// true/false, or 0/1 (COCO writes `iscrowd` as a number).
    func readBoolean() throws -> Bool {
        let c = peek()
        if c == UInt8(ascii: "t") { try literal("true"); return true }
        if c == UInt8(ascii: "f") { try literal("false"); return false }
        return try readNumber() != 0
    }

    func readNullIfPresent() throws -> Bool {
        if peek() == UInt8(ascii: "n") { try literal("null"); return true }
        return false
    }

    private func literal(_ word: StaticString) throws {
        let n = word.utf8CodeUnitCount
        for i in 0..<n where storage[position + i] != word.utf8Start[i] { throw syntaxError("'\(word)'") }
        position += n
    }

    private func literalPreview() -> String {
        var end = position
        while end < count, end - position < 12, storage[end] != UInt8(ascii: ","), storage[end] != UInt8(ascii: "}") { end += 1 }
        return String(decoding: UnsafeBufferPointer(start: storage + position, count: end - position), as: UTF8.self)
    }

    /// Nesting allowed in skipped values, as in Foundation's JSON parsers: deeper is refused before the recursion
    /// overflows the stack (a file of a million '[' would otherwise crash the process).
    static let maximumDepth = 512

    /// Skips one value of any type (unknown keys such as `info`, `licenses`).
    func skipValue(depth: Int = 0) throws {
        guard depth < Self.maximumDepth else {
            throw SyntaxError(message: "invalid JSON: nested deeper than \(Self.maximumDepth) levels", offset: position)
        }
        switch peek() {
        case UInt8(ascii: "{"): try readObject { _ in try skipValue(depth: depth + 1) }
        case UInt8(ascii: "["): try readArray { _ in try skipValue(depth: depth + 1) }
        case UInt8(ascii: "\""): _ = try readStringToken()
        case UInt8(ascii: "t"): try literal("true")
        case UInt8(ascii: "f"): try literal("false")
        case UInt8(ascii: "n"): try literal("null")
        case UInt8(ascii: "N"): try literal("NaN")
        case UInt8(ascii: "I"): try literal("Infinity")
        default: _ = try readNumber()
        }
    }
}
