import Foundation

/// Turns the DevTools events of one page session into the findings of a `PageInspection`.
final class PageEventRecorder {
    let sessionId: String
    private(set) var consoleErrors: [String] = []
    private(set) var failedRequests: [String] = []
    private(set) var externalRequests: [String] = []
    /// Loader ids of navigations whose main document fired `load`.
    private(set) var loadedLoaders: Set<String> = []
    private var requestURLs: [String: String] = [:]

    init(sessionId: String) { self.sessionId = sessionId }

    /// Schemes that never touch the network or the disk outside the report.
    private static let localSchemes: Set<String> = ["file", "data", "blob", "about"]

    func record(_ event: DevToolsEvent) {
        guard event.sessionId == sessionId else { return }
        let params = event.params
        switch event.method {
        case "Runtime.consoleAPICalled":
            guard let type = params["type"] as? String, type == "error" || type == "assert" else { return }
            let arguments = (params["args"] as? [[String: Any]] ?? []).map(Self.describe)
            consoleErrors.append("console.\(type): " + arguments.joined(separator: " "))
        case "Runtime.exceptionThrown":
            let details = params["exceptionDetails"] as? [String: Any] ?? [:]
            let exception = details["exception"] as? [String: Any]
            let text = exception?["description"] as? String ?? details["text"] as? String ?? "exception"
            consoleErrors.append("uncaught " + (text.split(separator: "\n").first.map(String.init) ?? text))
        case "Log.entryAdded":
            let entry = params["entry"] as? [String: Any] ?? [:]
            guard entry["level"] as? String == "error" else { return }
            let text = entry["text"] as? String ?? ""
            let url = entry["url"] as? String
            consoleErrors.append(url.map { "\(text) (\($0))" } ?? text)
        case "Network.requestWillBeSent":
            guard let id = params["requestId"] as? String,
                  let url = (params["request"] as? [String: Any])?["url"] as? String else { return }
            requestURLs[id] = url
            noteExternal(url)
        case "Network.webSocketCreated":
            if let url = params["url"] as? String { noteExternal(url) }
        case "Network.responseReceived":
            guard let response = params["response"] as? [String: Any], let status = response["status"] as? Int,
                  status >= 400 else { return }
            failedRequests.append("\(response["url"] as? String ?? "?"): HTTP \(status)")
        case "Network.loadingFailed":
            let id = params["requestId"] as? String ?? ""
            let reason = (params["blockedReason"] as? String).map { "blocked (\($0))" }
                ?? params["errorText"] as? String ?? "failed"
            failedRequests.append("\(requestURLs[id] ?? "request \(id)"): \(reason)")
        case "Fetch.requestPaused":
            if let url = (params["request"] as? [String: Any])?["url"] as? String { noteExternal(url) }
        case "Page.lifecycleEvent":
            if params["name"] as? String == "load", let loader = params["loaderId"] as? String {
                loadedLoaders.insert(loader)
            }
        default:
            break
        }
    }

    private func noteExternal(_ url: String) {
        let scheme = url.split(separator: ":", maxSplits: 1).first.map { $0.lowercased() } ?? ""
        if !Self.localSchemes.contains(scheme) && !externalRequests.contains(url) { externalRequests.append(url) }
    }

    /// A console argument as the console would print it: strings bare, everything else by its description.
    private static func describe(_ argument: [String: Any]) -> String {
        if let value = argument["value"] { return value as? String ?? "\(value)" }
        return argument["description"] as? String ?? argument["type"] as? String ?? "?"
    }
}
