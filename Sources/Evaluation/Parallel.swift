import Dispatch

/// Runs two independent jobs on two threads (loading both files; COCO beside TIDE) and returns both
/// results, rethrowing the first job's error before the second's.
func inParallel<A: Sendable, B: Sendable>(_ a: @escaping @Sendable () throws -> A,
                                          _ b: @escaping @Sendable () throws -> B) throws -> (A, B) {
    let slots = ResultSlots<A, B>()
    DispatchQueue.concurrentPerform(iterations: 2) { i in
        if i == 0 { slots.a = Result { try a() } } else { slots.b = Result { try b() } }
    }
    return (try slots.a!.get(), try slots.b!.get())
}

/// Each slot is written by exactly one worker and read after both finished.
private final class ResultSlots<A, B>: @unchecked Sendable {
    var a: Result<A, Error>?
    var b: Result<B, Error>?
}
