import Foundation

/// The git commit a run was made from and whether the work tree had uncommitted changes, for meta.json.
public struct SourceRevision: Sendable, Codable, Equatable {
    public var commit: String
    public var dirty: Bool

    public init(commit: String, dirty: Bool) { self.commit = commit; self.dirty = dirty }

    /// Asks git about `directory`; outside a repository (or without git) the commit is "unknown".
    public static func current(in directory: String = FileManager.default.currentDirectoryPath) -> SourceRevision {
        guard let head = git(["rev-parse", "HEAD"], in: directory), !head.isEmpty else { return SourceRevision(commit: "unknown", dirty: false) }
        let status = git(["status", "--porcelain", "--untracked-files=no"], in: directory) ?? ""
        return SourceRevision(commit: head, dirty: !status.isEmpty)
    }

    private static func git(_ arguments: [String], in directory: String) -> String? {
        let process = Process(), pipe = Pipe()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git", "-C", directory] + arguments
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return nil }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
