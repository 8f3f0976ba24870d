import Foundation

/// Runs `load(index)` for 0..<count on background threads and hands results back in index order, keeping at most
/// `prefetch` results ahead of the consumer: a training step finds its batch decoded and augmented already.
///
/// Dropping the loader (or calling `stop()`) stops the workers after their current item.
public final class PrefetchingLoader<Element: Sendable>: Sendable {
    private let state: LoaderState<Element>

    public init(count: Int, workers: Int = 2, prefetch: Int = 8, load: @escaping @Sendable (Int) throws -> Element) {
        precondition(workers > 0 && prefetch > 0, "workers and prefetch must be positive")
        state = LoaderState(count: count, prefetch: prefetch, load: load)
        for _ in 0..<workers {
            let state = self.state
            Thread.detachNewThread { state.work() }
        }
    }

    deinit { state.stop() }

    /// The next result in index order, waiting for it if needed; nil after the last one.
    public func next() -> Result<Element, any Error>? { state.next() }

    public func stop() { state.stop() }
}

/// The shared state of a loader; every field is guarded by `condition`.
private final class LoaderState<Element: Sendable>: @unchecked Sendable {
    private let condition = NSCondition()
    private let count: Int
    private let prefetch: Int
    private let load: @Sendable (Int) throws -> Element
    private var ready: [Int: Result<Element, any Error>] = [:]
    private var nextToClaim = 0
    private var nextToDeliver = 0
    private var stopped = false

    init(count: Int, prefetch: Int, load: @escaping @Sendable (Int) throws -> Element) {
        self.count = count
        self.prefetch = prefetch
        self.load = load
    }

    func work() {
        while true {
            condition.lock()
            while !stopped && nextToClaim < count && nextToClaim >= nextToDeliver + prefetch { condition.wait() }
            guard !stopped, nextToClaim < count else {
                condition.unlock()
                return
            }
            let index = nextToClaim
            nextToClaim += 1
            condition.unlock()

            let result = Result { try load(index) }

            condition.lock()
            ready[index] = result
            condition.broadcast()
            condition.unlock()
        }
    }

    func next() -> Result<Element, any Error>? {
        condition.lock()
        defer { condition.unlock() }
        guard nextToDeliver < count, !stopped else { return nil }
        while ready[nextToDeliver] == nil { condition.wait() }
        let result = ready.removeValue(forKey: nextToDeliver)
        nextToDeliver += 1
        condition.broadcast()  // a slot in the prefetch window opened
        return result
    }

    func stop() {
        condition.lock()
        stopped = true
        condition.broadcast()
        condition.unlock()
    }
}
