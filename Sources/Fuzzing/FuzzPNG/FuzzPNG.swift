import FuzzTargets
import Foundation

/// libFuzzer entry point (build: see docs/RELIABILITY.md). Crashes are the findings; refusals are fine.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let bytes = start.map { Data(bytes: $0, count: count) } ?? Data()
    _ = FuzzTarget.png.run(bytes)
    return 0
}
