import Foundation
import Testing

/// Runs the built `fovea` binary as a user would and checks what it prints.
@Suite struct DoctorTests {
    @Test func doctorNamesAFastKernelWithoutEnvironment() throws {
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: "OPENBLAS_CORETYPE")
        let run = try runFovea(["doctor"], environment: env)
        #expect(run.status == 0)
        let kernel = run.out.split(separator: "\n").first { $0.hasPrefix("blas kernel") }.map(String.init) ?? ""
        if hasAVX512() { #expect(kernel.contains("SkylakeX")) } else { #expect(!kernel.contains("Prescott")) }
        #expect(run.out.contains("libpng         1.6"))
        #expect(run.out.contains("cairo          1."))
        #expect(run.out.contains("blas library   /"))
        #expect(run.out.contains("convolutions   onednn (oneDNN 2."))
    }

    @Test func unknownSubcommandIsAUsageError() throws {
        let run = try runFovea(["no-such-command"])
        #expect(run.status == 2)
        #expect(run.out.isEmpty)
        #expect(run.err.contains("no-such-command"))
    }
}

func hasAVX512() -> Bool {
    let info = String(decoding: FileHandle(forReadingAtPath: "/proc/cpuinfo")?.readDataToEndOfFile() ?? Data(), as: UTF8.self)
    return info.contains(" avx512f") && info.contains(" avx512bw")
}

/// The `fovea` executable built beside the test runner (.build/<configuration>/).
func foveaBinary() -> URL {
    URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        .deletingLastPathComponent().appendingPathComponent("fovea")
}

struct Run { let status: Int32; let out: String; let err: String }

func runFovea(_ arguments: [String], environment: [String: String]? = nil) throws -> Run {
    let p = Process()
    p.executableURL = foveaBinary()
    p.arguments = arguments
    if let environment { p.environment = environment }
    let out = Pipe(), err = Pipe()
    p.standardOutput = out; p.standardError = err
    try p.run()
    let o = out.fileHandleForReading.readDataToEndOfFile(), e = err.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return Run(status: p.terminationStatus, out: String(decoding: o, as: UTF8.self), err: String(decoding: e, as: UTF8.self))
}
