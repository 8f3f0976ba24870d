import Foundation

/// A contiguous, 64-byte aligned Float32 buffer. Tensors share storages (reshape is free) and
/// optimizers update them in place.
public final class Storage: @unchecked Sendable {
    public let count: Int
    public let base: UnsafeMutablePointer<Float>
    /// Bumped by every in-place update of existing values (loading, optimizer steps, gradient accumulation).
    /// Derived copies — oneDNN's blocked layout of a frozen convolution weight — are valid for one version.
    /// Code that writes through `base` into a live parameter calls `markMutated()`.
    public private(set) var version = 0
    private let release: (@Sendable (UnsafeMutablePointer<Float>) -> Void)?
    /// The meter that counted this storage, if it was allocated inside `StorageMeter.measure`.
    private let meter: StorageMeter?

    /// Zero-filled storage of `count` floats.
    public convenience init(count: Int) {
        self.init(uninitializedCount: count)
        base.update(repeating: 0, count: count)
    }

    /// Uninitialised storage, for ops that overwrite every element.
    init(uninitializedCount count: Int) {
        self.count = count
        base = BufferPool.shared.take(floats: max(count, 1))
        release = nil
        meter = StorageMeter.current
        meter?.add(count * 4)
    }

    /// Memory owned elsewhere (a memory-mapped file, say), released by `release`.
    public init(borrowing base: UnsafeMutablePointer<Float>, count: Int,
                release: @escaping @Sendable (UnsafeMutablePointer<Float>) -> Void) {
        self.count = count
        self.base = base
        self.release = release
        meter = nil
    }

    deinit {
        if let release { release(base) } else {
            BufferPool.shared.give(base, floats: max(count, 1))
            meter?.add(-count * 4)
        }
    }

    public var buffer: UnsafeMutableBufferPointer<Float> { UnsafeMutableBufferPointer(start: base, count: count) }

    public func markMutated() { version &+= 1 }
}

/// Counts the bytes of the tensor storages allocated inside `measure` (on its task) while they live, and their
/// high-water mark: what a computation keeps alive at once, apart from the buffer pool's cache, the allocator and
/// whatever other tasks allocate meanwhile.
public final class StorageMeter: @unchecked Sendable {
    @TaskLocal static var current: StorageMeter?
    private let lock = NSLock()
    private var live = 0, peak = 0

    public var liveBytes: Int { lock.withLock { live } }
    public var peakBytes: Int { lock.withLock { peak } }

    /// Runs `body` with a new meter counting its allocations; the meter keeps counting their release afterwards.
    public static func measure<T>(_ body: () throws -> T) rethrows -> (result: T, meter: StorageMeter) {
        let meter = StorageMeter()
        let result = try $current.withValue(meter, operation: body)
        return (result, meter)
    }

    func add(_ bytes: Int) {
        lock.withLock {
            live += bytes
            peak = max(peak, live)
        }
    }
}

/// Keeps freed large buffers for the next tensor of the same size. A network allocates the same activation
/// sizes at every step; without reuse each one is a fresh mmap whose pages the kernel faults in and zeroes
/// again (16% of a resnet18 forward here). Small buffers go straight to malloc, which reuses them already.
final class BufferPool: @unchecked Sendable {
    static let shared = BufferPool()
    private let lock = NSLock()
    private var free: [Int: [UnsafeMutablePointer<Float>]] = [:]
    private var cachedBytes = 0
    /// Past this many cached bytes, freed buffers go back to the system.
    private let capacity = 1 << 30
    private static let minimumFloats = 16 << 10  // 64 KiB

    func take(floats: Int) -> UnsafeMutablePointer<Float> {
        if floats >= Self.minimumFloats {
            lock.lock()
            if let p = free[floats]?.popLast() {
                cachedBytes -= floats * 4
                lock.unlock()
                return p
            }
            lock.unlock()
        }
        return UnsafeMutableRawPointer.allocate(byteCount: floats * 4, alignment: 64).bindMemory(to: Float.self, capacity: floats)
    }

    func give(_ p: UnsafeMutablePointer<Float>, floats: Int) {
        if floats >= Self.minimumFloats {
            lock.lock()
            if cachedBytes + floats * 4 <= capacity {
                free[floats, default: []].append(p)
                cachedBytes += floats * 4
                lock.unlock()
                return
            }
            lock.unlock()
        }
        UnsafeMutableRawPointer(p).deallocate()
    }
}
