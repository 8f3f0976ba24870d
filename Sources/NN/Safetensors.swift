import Foundation
import Tensors

/// The safetensors format: 8-byte little-endian header length, a JSON header
/// `{name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {…}}`, then the raw little-endian bytes.
/// Reads are memory-mapped; every dtype Fovea reads becomes Float32.
public enum Safetensors {
    public enum DType: String, Sendable { case F32, F16, BF16, I64, F64, I32, U8 }

    public struct Entry {
        public let dtype: DType
        public let tensor: Tensor
    }

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// Reads every tensor of a file.
    public static func read(_ url: URL) throws -> (tensors: [String: Entry], metadata: [String: String]) {
        let path = url.path
        func fail(_ what: String) -> Failure { Failure(description: "\(path): \(what)") }
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw fail(String(cString: strerror(errno))) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw fail(String(cString: strerror(errno))) }
        let size = Int(info.st_size)
        guard size >= 8 else { throw fail("file of \(size) bytes is too short for a safetensors header") }
        // MAP_PRIVATE: tensors may be modified in memory without touching the file.
        guard let base = mmap(nil, size, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0), base != MAP_FAILED else {
            throw fail("cannot map: \(String(cString: strerror(errno)))")
        }
        let mapping = Mapping(base: base, size: size)
        // Compared as UInt64: a length of 2^63 or more must be refused, not trap on the way to Int.
        let declaredLength = UInt64(littleEndian: base.loadUnaligned(as: UInt64.self))
        guard declaredLength > 0, declaredLength <= UInt64(size - 8) else {
            throw fail("header length \(declaredLength) does not fit a file of \(size) bytes")
        }
        let headerLength = Int(declaredLength)
        let headerData = Data(bytes: base + 8, count: headerLength)
        guard let header = (try? JSONSerialization.jsonObject(with: headerData)) as? [String: Any] else {
            throw fail("header is not a JSON object")
        }
        let dataStart = 8 + headerLength, dataSize = size - dataStart
        var tensors: [String: Entry] = [:]
        var metadata: [String: String] = [:]
        for (name, value) in header {
            if name == "__metadata__" {
                metadata = (value as? [String: Any] ?? [:]).compactMapValues { $0 as? String }
                continue
            }
            guard let fields = value as? [String: Any] else { throw fail("tensor '\(name)': entry is not an object") }
            guard let dtypeName = fields["dtype"] as? String, let dtype = DType(rawValue: dtypeName) else {
                throw fail("tensor '\(name)': dtype \(fields["dtype"].map { "\($0)" } ?? "missing") is not supported")
            }
            guard let shape = (fields["shape"] as? [Any])?.compactMap({ ($0 as? NSNumber)?.intValue }),
                  shape.count == (fields["shape"] as? [Any])?.count, shape.allSatisfy({ $0 >= 0 }) else {
                throw fail("tensor '\(name)': shape is not a list of sizes")
            }
            guard let offsets = (fields["data_offsets"] as? [Any])?.compactMap({ ($0 as? NSNumber)?.intValue }), offsets.count == 2,
                  offsets[0] >= 0, offsets[0] <= offsets[1], offsets[1] <= dataSize else {
                throw fail("tensor '\(name)': data_offsets outside the \(dataSize) data bytes")
            }
            let (count, countOverflow) = shape.reduce((1, false)) { product, size in
                let (next, overflow) = product.0.multipliedReportingOverflow(by: size)
                return (next, product.1 || overflow)
            }
            guard !countOverflow, count <= dataSize else {
                throw fail("tensor '\(name)': shape \(shape) holds more elements than the \(dataSize) data bytes")
            }
            guard offsets[1] - offsets[0] == count * dtype.size else {
                throw fail("tensor '\(name)': \(offsets[1] - offsets[0]) bytes for shape \(shape) of \(dtype.rawValue)")
            }
            let bytes = base + dataStart + offsets[0]
            tensors[name] = Entry(dtype: dtype, tensor: tensor(bytes, dtype, shape, count, mapping))
        }
        return (tensors, metadata)
    }

    /// F32 data that is 4-byte aligned is used in place (the mapping lives as long as the tensor);
    /// anything else is converted into new storage.
    private static func tensor(_ bytes: UnsafeMutableRawPointer, _ dtype: DType, _ shape: [Int], _ count: Int, _ mapping: Mapping) -> Tensor {
        if dtype == .F32 && Int(bitPattern: bytes) % 4 == 0 {
            let storage = Storage(borrowing: bytes.assumingMemoryBound(to: Float.self), count: count) { _ in _ = mapping }
            return Tensor(shape: shape, storage: storage)
        }
        let out = Tensor(zeros: shape)
        for i in 0..<count {
            let v: Float
            switch dtype {
            case .F32: v = Float(bitPattern: UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self)))
            case .F16: v = Float(Float16(bitPattern: UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))))
            case .BF16: v = Float(bitPattern: UInt32(UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))) << 16)
            case .I64: v = Float(Int64(littleEndian: bytes.loadUnaligned(fromByteOffset: 8 * i, as: Int64.self)))
            case .I32: v = Float(Int32(littleEndian: bytes.loadUnaligned(fromByteOffset: 4 * i, as: Int32.self)))
            case .F64: v = Float(Double(bitPattern: UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self))))
            case .U8: v = Float(bytes.load(fromByteOffset: i, as: UInt8.self))
            }
            out.data[i] = v
        }
        return out
    }

    /// Writes tensors (F32, or I64 for integer entries) in name order, with optional metadata, atomically:
    /// a temporary file in the same folder, flushed, then renamed over the destination.
    public static func write(_ tensors: [(name: String, tensor: Tensor, dtype: DType)], metadata: [String: String] = [:], to url: URL) throws {
        var header: [String: Any] = [:]
        if !metadata.isEmpty { header["__metadata__"] = metadata }
        var offset = 0
        let sorted = tensors.sorted { $0.name < $1.name }
        for t in sorted {
            precondition(t.dtype == .F32 || t.dtype == .I64, "Fovea writes F32 and I64 tensors")
            let bytes = t.tensor.count * t.dtype.size
            header[t.name] = ["dtype": t.dtype.rawValue, "shape": t.tensor.shape, "data_offsets": [offset, offset + bytes]] as [String: Any]
            offset += bytes
        }
        var json = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])
        json.append(contentsOf: [UInt8](repeating: 0x20, count: (8 - json.count % 8) % 8))  // pad so data starts 8-aligned
        var file = Data(capacity: 8 + json.count + offset)
        withUnsafeBytes(of: UInt64(json.count).littleEndian) { file.append(contentsOf: $0) }
        file.append(json)
        for t in sorted {
            if t.dtype == .F32 {
                file.append(Data(bytes: t.tensor.data, count: t.tensor.count * 4))  // x86 and ARM Linux are little-endian
            } else {
                for i in 0..<t.tensor.count { withUnsafeBytes(of: Int64(t.tensor[flat: i]).littleEndian) { file.append(contentsOf: $0) } }
            }
        }
        try AtomicFile.write(file, to: url)
    }
}

extension Safetensors.DType {
    var size: Int {
        switch self { case .F32, .I32: 4; case .F16, .BF16: 2; case .I64, .F64: 8; case .U8: 1 }
    }
}

/// Unmaps a file when the last tensor reading from it goes away.
private final class Mapping: @unchecked Sendable {
    let base: UnsafeMutableRawPointer, size: Int
    init(base: UnsafeMutableRawPointer, size: Int) { self.base = base; self.size = size }
    deinit { munmap(base, size) }
}

/// Writes that never leave a half-written file under the destination name.
public enum AtomicFile {
    public static func write(_ data: Data, to url: URL) throws {
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).partial-\(getpid())")
        guard FileManager.default.createFile(atPath: temporary.path, contents: nil) else {
            throw Safetensors.Failure(description: "\(url.path): cannot create a file in \(url.deletingLastPathComponent().path)")
        }
        do {
            let handle = try FileHandle(forWritingTo: temporary)
            try handle.write(contentsOf: data)
            try handle.synchronize()
            try handle.close()
            guard rename(temporary.path, url.path) == 0 else {
                throw Safetensors.Failure(description: "\(url.path): \(String(cString: strerror(errno)))")
            }
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw error
        }
    }
}
