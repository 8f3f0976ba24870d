import Foundation
import Mustache

/// The report's Mustache templates and stylesheet, read from disk at every build so that editing a template
/// and re-running the report is all it takes (no rebuild, no retraining).
public struct ReportTemplates: Sendable {
    public let directory: URL
    let library: MustacheLibrary
    let stylesheet: Data

    /// Loads `*.mustache` and `style.css` from `directory` (the repository's `templates/report`).
    public init(directory: URL) throws {
        self.directory = directory
        var library = MustacheLibrary()
        let names = ["layout", "charts", "index", "iteration", "case"]
        for name in names {
            let file = directory.appendingPathComponent("\(name).mustache")
            guard let text = try? String(contentsOf: file, encoding: .utf8) else {
                throw ReportError("\(file.path): template missing or unreadable")
            }
            do { try library.register(text, named: name) } catch {
                throw ReportError("\(file.path): template does not parse (\(error))")
            }
        }
        self.library = library
        let css = directory.appendingPathComponent("style.css")
        guard let stylesheet = FileManager.default.contents(atPath: css.path) else { throw ReportError("\(css.path): missing") }
        self.stylesheet = stylesheet
    }

    /// `FOVEA_TEMPLATES` if set, else `templates/report` in the first of the current directory and the folders above
    /// the executable that has one (a checkout running `.build/…/fovea`).
    public static func locate(executable: String = CommandLine.arguments.first ?? "") throws -> ReportTemplates {
        if let dir = ProcessInfo.processInfo.environment["FOVEA_TEMPLATES"] { return try ReportTemplates(directory: URL(fileURLWithPath: dir)) }
        var candidates = [URL(fileURLWithPath: FileManager.default.currentDirectoryPath)]
        var folder = URL(fileURLWithPath: executable).resolvingSymlinksInPath().deletingLastPathComponent()
        if let exe = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            candidates.append(URL(fileURLWithPath: exe).deletingLastPathComponent())
        }
        while folder.path != "/" {
            candidates.append(folder)
            folder.deleteLastPathComponent()
        }
        for root in candidates {
            let dir = root.appendingPathComponent("templates/report")
            if FileManager.default.fileExists(atPath: dir.appendingPathComponent("layout.mustache").path) {
                return try ReportTemplates(directory: dir)
            }
        }
        throw ReportError("templates/report: not found beside the current directory or the fovea executable; set FOVEA_TEMPLATES")
    }

    func render(_ template: String, _ context: [String: Any]) throws -> String {
        guard let html = library.render(context, withTemplate: template) else { throw ReportError("template \(template): not loaded") }
        return html
    }
}
