import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One DevTools protocol event: `method` and `params`, and the flattened session it belongs to (nil: the browser).
struct DevToolsEvent {
    let method: String
    let params: [String: Any]
    let sessionId: String?
}

/// JSON messages over the pipe, each terminated by a NUL byte. Calls block until their reply arrives or a
/// deadline passes; events arriving meanwhile go to `onEvent`, so no thread is needed.
final class DevToolsConnection {
    private let fd: Int32
    private let exitLog: () -> String
    private var nextId = 0
    private var buffer: [UInt8] = []
    private var awaited: Set<Int> = []
    private var replies: [Int: [String: Any]] = [:]
    /// Receives every event, in order, while a call or `wait` is pumping the pipe.
    var onEvent: (DevToolsEvent) -> Void = { _ in }

    init(fd: Int32, exitLog: @escaping () -> String) {
        self.fd = fd
        self.exitLog = exitLog
    }

    /// Sends a command without waiting for its reply (used from event handlers, e.g. to fail a paused request).
    @discardableResult
    func send(_ method: String, _ params: [String: Any] = [:], session: String? = nil) throws -> Int {
        nextId += 1
        var message: [String: Any] = ["id": nextId, "method": method, "params": params]
        if let session { message["sessionId"] = session }
        var bytes = [UInt8](try JSONSerialization.data(withJSONObject: message))
        bytes.append(0)
        var written = 0
        while written < bytes.count {
            let count = bytes[written...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if count < 0 {
                if errno == EINTR { continue }
                throw BrowserError.browserExited(log: exitLog())
            }
            written += count
        }
        return nextId
    }

    /// Sends a command and returns its `result`, or throws its protocol error or a timeout naming the method.
    @discardableResult
    func call(_ method: String, _ params: [String: Any] = [:], session: String? = nil,
              timeout seconds: Double = 10) throws -> [String: Any] {
        let id = try send(method, params, session: session)
        awaited.insert(id)
        defer { awaited.remove(id) }
        do {
            try wait(seconds: seconds) { replies[id] != nil }
        } catch BrowserError.commandTimedOut {
            throw BrowserError.commandTimedOut(method: method, seconds: seconds)
        }
        let reply = replies.removeValue(forKey: id)!
        if let error = reply["error"] as? [String: Any] {
            throw BrowserError.protocolError(method: method, message: error["message"] as? String ?? "\(error)")
        }
        return reply["result"] as? [String: Any] ?? [:]
    }

    /// Pumps messages until `done()` holds; throws `commandTimedOut(method: "")` when `seconds` pass first.
    func wait(seconds: Double, until done: () -> Bool) throws {
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        while !done() {
            let left = deadline - ContinuousClock.now
            guard left > .zero else { throw BrowserError.commandTimedOut(method: "", seconds: seconds) }
            try receive(timeoutMilliseconds: Int32(min(left / .milliseconds(1), 1000).rounded(.up)))
        }
    }

    /// Reads what is available (waiting at most the timeout) and dispatches every complete message.
    private func receive(timeoutMilliseconds: Int32) throws {
        var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        let ready = poll(&poller, 1, timeoutMilliseconds)
        if ready < 0 && errno != EINTR { throw BrowserError.browserExited(log: exitLog()) }
        guard ready > 0 else { return }
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if count < 0 && errno == EINTR { return }
        guard count > 0 else { throw BrowserError.browserExited(log: exitLog()) }
        buffer.append(contentsOf: chunk[..<count])
        while let end = buffer.firstIndex(of: 0) {
            let message = Data(buffer[..<end])
            buffer.removeSubrange(...end)
            dispatch(message)
        }
    }

    private func dispatch(_ message: Data) {
        guard let object = (try? JSONSerialization.jsonObject(with: message)) as? [String: Any] else { return }
        if let id = object["id"] as? Int {
            if awaited.contains(id) { replies[id] = object }  // replies to fire-and-forget sends are dropped
        } else if let method = object["method"] as? String {
            onEvent(DevToolsEvent(method: method, params: object["params"] as? [String: Any] ?? [:],
                                  sessionId: object["sessionId"] as? String))
        }
    }
}
