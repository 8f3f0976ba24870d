import Foundation

/// The input written where the readers that take a path can open it: a fresh name in /dev/shm (memory, so the
/// fuzzer keeps its speed) or the temporary folder, unique per call so parallel tests never share one.
struct InputFile {
    let bytes: Data
    let path: String

    init(bytes: Data, extension fileExtension: String) {
        self.bytes = bytes
        let folder = FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()
        path = (folder as NSString).appendingPathComponent("fovea-fuzz-\(getpid())-\(UUID().uuidString).\(fileExtension)")
        guard FileManager.default.createFile(atPath: path, contents: bytes) else {
            preconditionFailure("cannot write the fuzz input to \(path)")
        }
    }

    func remove() { unlink(path) }
}
