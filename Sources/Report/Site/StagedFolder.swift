import Foundation

/// A folder written in full beside its destination and swapped in when complete, so an interrupted build never
/// replaces a good report. Only paths inside the folder can be written.
struct StagedFolder {
    /// Marks a folder as a Fovea report, the only kind of folder a new build may replace.
    static let marker = ".fovea-report"
    let destination: URL
    let staging: URL

    init(destination: URL) throws {
        let manager = FileManager.default
        self.destination = destination.standardizedFileURL
        var isFolder: ObjCBool = false
        if manager.fileExists(atPath: self.destination.path, isDirectory: &isFolder) {
            let contents = (try? manager.contentsOfDirectory(atPath: self.destination.path)) ?? []
            guard isFolder.boolValue, contents.isEmpty || contents.contains(Self.marker) else {
                throw ReportError("\(self.destination.path): exists and is not a Fovea report; choose an empty or new --out folder")
            }
        }
        let parent = self.destination.deletingLastPathComponent()
        do { try manager.createDirectory(at: parent, withIntermediateDirectories: true) } catch {
            throw ReportError("\(parent.path): cannot create (\(error.localizedDescription))")
        }
        Self.removeLeftovers(of: self.destination.lastPathComponent, in: parent)
        staging = parent.appendingPathComponent(".\(self.destination.lastPathComponent).partial-\(getpid())")
        try? manager.removeItem(at: staging)
        do { try manager.createDirectory(at: staging, withIntermediateDirectories: true) } catch {
            throw ReportError("\(staging.path): cannot create (\(error.localizedDescription))")
        }
        try write(Data("written by fovea report\n".utf8), to: Self.marker)
    }

    /// The staging location of `relative`, which must stay inside the folder.
    func url(for relative: String) throws -> URL {
        let parts = relative.split(separator: "/", omittingEmptySubsequences: false)
        guard !relative.hasPrefix("/"), !parts.contains(where: { $0 == ".." || $0 == "." || $0.isEmpty }) else {
            throw ReportError("\(relative): refusing to write outside the report folder")
        }
        return staging.appendingPathComponent(relative)
    }

    func write(_ data: Data, to relative: String) throws {
        let url = try url(for: relative)
        do {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try data.write(to: url)
        } catch { throw ReportError("\(url.path): cannot write (\(error.localizedDescription))") }
    }

    /// Swaps the finished folder in: the old report is moved aside first and removed only after the rename.
    func commit() throws {
        let manager = FileManager.default
        let aside = destination.deletingLastPathComponent().appendingPathComponent(".\(destination.lastPathComponent).old-\(getpid())")
        if manager.fileExists(atPath: destination.path) {
            guard rename(destination.path, aside.path) == 0 else {
                throw ReportError("\(destination.path): cannot replace (\(String(cString: strerror(errno))))")
            }
        }
        guard rename(staging.path, destination.path) == 0 else {
            let reason = String(cString: strerror(errno))
            _ = rename(aside.path, destination.path)
            throw ReportError("\(destination.path): cannot move the new report in (\(reason))")
        }
        try? manager.removeItem(at: aside)
    }

    func discard() { try? FileManager.default.removeItem(at: staging) }

    /// Staging and set-aside folders of builds that were killed (their process is gone): never a report, only clutter.
    static func removeLeftovers(of name: String, in parent: URL) {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: parent.path)) ?? []
        for entry in entries {
            for marker in [".\(name).partial-", ".\(name).old-"] where entry.hasPrefix(marker) {
                guard let pid = Int32(entry.dropFirst(marker.count)), pid != getpid(), kill(pid, 0) == -1, errno == ESRCH else { continue }
                try? FileManager.default.removeItem(at: parent.appendingPathComponent(entry))
            }
        }
    }
}

/// File names derived from dataset strings: only `[A-Za-z0-9._-]`, never hidden, bounded, and distinct for distinct
/// inputs (a short hash is appended whenever characters had to be replaced).
public enum SafeFileName {
    public static func make(_ raw: String) -> String {
        var out = String(raw.unicodeScalars.map { scalar -> Character in
            let c = Character(scalar)
            return (c.isASCII && (c.isLetter || c.isNumber)) || c == "-" || c == "_" ? c : "_"
        }).prefix(80)
        if out.isEmpty || out != raw || raw.count > 80 {
            out += "-" + String(fnv1a(raw), radix: 16)
        }
        return String(out)
    }

    private static func fnv1a(_ s: String) -> UInt32 {
        var h: UInt32 = 2_166_136_261
        for byte in s.utf8 { h = (h ^ UInt32(byte)) &* 16_777_619 }
        return h
    }
}
