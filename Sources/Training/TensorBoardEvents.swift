import Foundation

/// TensorBoard scalar and image summaries in an `events.out.tfevents.*` file: TFRecord framing (length, masked CRC-32C of
/// the length, payload, masked CRC-32C of the payload) around hand-encoded `Event` protocol buffers, so no
/// protobuf dependency is needed for the three messages involved.
public final class TensorBoardEvents {
    public let url: URL
    private let handle: FileHandle

    /// Opens a new event file in `folder` (one per process, as TensorBoard's writers do).
    public init(folder: URL, now: Date = Date()) throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let host = ProcessInfo.processInfo.hostName
        url = folder.appendingPathComponent("events.out.tfevents.\(Int(now.timeIntervalSince1970)).\(host).\(getpid())")
        guard FileManager.default.createFile(atPath: url.path, contents: nil) else { throw TrainingError("\(url.path): cannot create the file") }
        handle = try FileHandle(forWritingTo: url)
        var event = Protobuf()
        event.double(1, now.timeIntervalSince1970)
        event.bytes(3, Data("brain.Event:2".utf8))
        try write(record: event.data)
    }

    deinit { try? handle.close() }

    /// One event holding every scalar of a step, tags as given (e.g. `train_loss`, `grad_norm/0.0`).
    public func scalars(step: Int, _ values: [String: Double], wallTime: Date = Date()) throws {
        var summary = Protobuf()
        for (tag, value) in values.sorted(by: { $0.key < $1.key }) {
            var v = Protobuf()
            v.bytes(1, Data(tag.utf8))
            v.float(2, Float(value))
            summary.bytes(1, v.data)
        }
        var event = Protobuf()
        event.double(1, wallTime.timeIntervalSince1970)
        event.varint(2, UInt64(bitPattern: Int64(step)))
        event.bytes(5, summary.data)
        try write(record: event.data)
    }

    /// An image summary: `png` is a PNG file of `width` × `height` pixels with `channels` (1 gray, 3 RGB, 4 RGBA),
    /// stored as `Summary.Image` (height 1, width 2, colorspace 3, encoded_image_string 4) under `tag`.
    public func image(step: Int, tag: String, png: Data, width: Int, height: Int, channels: Int, wallTime: Date = Date()) throws {
        var image = Protobuf()
        image.varint(1, UInt64(height))
        image.varint(2, UInt64(width))
        image.varint(3, UInt64(channels))
        image.bytes(4, png)
        var value = Protobuf()
        value.bytes(1, Data(tag.utf8))
        value.bytes(4, image.data)
        var summary = Protobuf()
        summary.bytes(1, value.data)
        var event = Protobuf()
        event.double(1, wallTime.timeIntervalSince1970)
        event.varint(2, UInt64(bitPattern: Int64(step)))
        event.bytes(5, summary.data)
        try write(record: event.data)
    }

    /// A SessionLog START at `step`: TensorBoard drops events at or after it from earlier files, so steps replayed
    /// after a resume are not shown twice.
    public func restart(at step: Int, wallTime: Date = Date()) throws {
        var log = Protobuf()
        log.varint(1, 1)
        var event = Protobuf()
        event.double(1, wallTime.timeIntervalSince1970)
        event.varint(2, UInt64(bitPattern: Int64(step)))
        event.bytes(6, log.data)
        try write(record: event.data)
    }

    public func flush() throws { try handle.synchronize() }

    private func write(record payload: Data) throws {
        var length = UInt64(payload.count).littleEndian
        let lengthBytes = withUnsafeBytes(of: &length) { Data($0) }
        var out = lengthBytes
        out.append(Self.littleEndian(Self.maskedCRC(lengthBytes)))
        out.append(payload)
        out.append(Self.littleEndian(Self.maskedCRC(payload)))
        try handle.write(contentsOf: out)
    }

    private static func littleEndian(_ x: UInt32) -> Data { var v = x.littleEndian; return withUnsafeBytes(of: &v) { Data($0) } }

    /// TFRecord's mask: rotate right by 15, add a constant.
    static func maskedCRC(_ data: Data) -> UInt32 {
        let crc = crc32c(data)
        return ((crc >> 15) | (crc << 17)) &+ 0xA282_EAD8
    }

    private static let table: [UInt32] = (0..<256).map { i -> UInt32 in
        var c = UInt32(i)
        for _ in 0..<8 { c = c & 1 != 0 ? (c >> 1) ^ 0x82F6_3B78 : c >> 1 }
        return c
    }

    /// CRC-32C (Castagnoli), reflected.
    public static func crc32c(_ data: Data) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in data { crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
        return crc ^ 0xFFFF_FFFF
    }
}

/// The few protobuf wire types an Event needs.
private struct Protobuf {
    var data = Data()
    mutating func key(_ field: Int, _ wire: Int) { raw(UInt64(field << 3 | wire)) }
    mutating func raw(_ x: UInt64) {
        var v = x
        while v >= 0x80 { data.append(UInt8(v & 0x7F) | 0x80); v >>= 7 }
        data.append(UInt8(v))
    }
    mutating func varint(_ field: Int, _ x: UInt64) { key(field, 0); raw(x) }
    mutating func double(_ field: Int, _ x: Double) { key(field, 1); var v = x.bitPattern.littleEndian; data.append(contentsOf: withUnsafeBytes(of: &v) { Array($0) }) }
    mutating func float(_ field: Int, _ x: Float) { key(field, 5); var v = x.bitPattern.littleEndian; data.append(contentsOf: withUnsafeBytes(of: &v) { Array($0) }) }
    mutating func bytes(_ field: Int, _ d: Data) { key(field, 2); raw(UInt64(d.count)); data.append(d) }
}
