/// A contiguous, 64-byte aligned Float32 buffer. Tensors share storages (reshape is free) and
/// optimizers update them in place.
public final class Storage: @unchecked Sendable {
    public let count: Int
    public let base: UnsafeMutablePointer<Float>
    private let release: (@Sendable (UnsafeMutablePointer<Float>) -> Void)?

    /// Zero-filled storage of `count` floats.
    public init(count: Int) {
        self.count = count
        let bytes = max(count, 1) * MemoryLayout<Float>.stride
        let raw = UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: 64)
        raw.initializeMemory(as: UInt8.self, repeating: 0, count: bytes)
        base = raw.bindMemory(to: Float.self, capacity: max(count, 1))
        release = nil
    }

    /// Uninitialised storage, for ops that overwrite every element.
    init(uninitializedCount count: Int) {
        self.count = count
        let raw = UnsafeMutableRawPointer.allocate(byteCount: max(count, 1) * 4, alignment: 64)
        base = raw.bindMemory(to: Float.self, capacity: max(count, 1))
        release = nil
    }

    /// Memory owned elsewhere (a memory-mapped file, say), released by `release`.
    public init(borrowing base: UnsafeMutablePointer<Float>, count: Int,
                release: @escaping @Sendable (UnsafeMutablePointer<Float>) -> Void) {
        self.count = count
        self.base = base
        self.release = release
    }

    deinit {
        if let release { release(base) } else { UnsafeMutableRawPointer(base).deallocate() }
    }

    public var buffer: UnsafeMutableBufferPointer<Float> { UnsafeMutableBufferPointer(start: base, count: count) }
}
