import Foundation

/// The result of checking a static site: each page's inspection, the links that lead nowhere, and one line per
/// problem a reviewer would hit (empty when the site is clean).
struct SiteReport {
    var pages: [URL: PageInspection] = [:]
    var deadLinks: [(from: URL, to: String)] = []
    var problems: [String] = []
}

/// Crawls a static site from its index page through its links, inspecting every HTML page inside the index's
/// folder once. A file:// link is dead when its target does not exist or is a folder (which file:// shows as a
/// bare listing, not a page); a link leaving the folder is a problem, since the report must survive being moved.
/// Links to other schemes (https:, mailto:) are neither followed nor fetched.
struct SiteCheck {
    static func run(index: URL, browser: HeadlessChromium) throws -> SiteReport {
        let start = index.standardizedFileURL
        let root = start.deletingLastPathComponent().path
        var report = SiteReport()
        var queue = [start]
        var queued: Set<String> = [start.path]
        while !queue.isEmpty {
            let page = queue.removeFirst()
            let inspection: PageInspection
            do {
                inspection = try browser.inspect(page)
            } catch let error as BrowserError where error.isPageLevel {
                report.problems.append(error.description)
                continue
            }
            report.pages[page] = inspection
            report.problems += inspection.problems
            for link in inspection.links {
                guard let url = URL(string: link), url.scheme == "file" else { continue }
                let target = URL(fileURLWithPath: url.path).standardizedFileURL  // without query and fragment
                var isFolder: ObjCBool = false
                guard FileManager.default.fileExists(atPath: target.path, isDirectory: &isFolder), !isFolder.boolValue
                else {
                    report.deadLinks.append((from: page, to: link))
                    report.problems.append("\(page.lastPathComponent): dead link: \(link)")
                    continue
                }
                guard target.path.hasPrefix(root + "/") else {
                    report.problems.append("\(page.lastPathComponent): link leaves the site folder: \(link)")
                    continue
                }
                if ["html", "htm"].contains(target.pathExtension.lowercased()), queued.insert(target.path).inserted {
                    queue.append(target)
                }
            }
        }
        return report
    }
}
