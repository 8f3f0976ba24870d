import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A Chromium child process started with `--remote-debugging-pipe`: it reads DevTools messages on its fd 3 and
/// writes replies on its fd 4. Both are the child's end of one Unix socket pair, so our end is a single
/// bidirectional fd and a write to a dead browser fails with EPIPE instead of raising SIGPIPE (send's MSG_NOSIGNAL).
final class ChromiumProcess {
    let pid: pid_t
    /// Our end of the socket pair.
    let fd: Int32
    /// Scratch profile and stderr log, removed on `terminate`.
    let directory: URL
    private var terminated = false

    /// Flags for a disposable, offline, deterministic browser that also runs as root inside a container.
    static func flags(userDataDirectory: String) -> [String] {
        [
            "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
            "--no-default-browser-check", "--user-data-dir=\(userDataDirectory)", "--remote-debugging-pipe",
            // Nothing may leave the machine: no background services, and every host name fails to resolve.
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--disable-extensions", "--disable-default-apps", "--host-resolver-rules=MAP * ~NOTFOUND",
            // Screenshots compared with CSS colours: sRGB, no scrollbars, no font hinting differences from GPU.
            "--force-color-profile=srgb", "--hide-scrollbars", "--mute-audio",
            "--disable-features=Translate,MediaRouter,OptimizationHints",
            "about:blank",
        ]
    }

    init(executable: String) throws {
        guard FileManager.default.isExecutableFile(atPath: executable) else {
            throw BrowserError.executableMissing(executable)
        }
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("fovea-chromium-\(UUID().uuidString)", isDirectory: true)
        let profile = directory.appendingPathComponent("profile", isDirectory: true)
        try FileManager.default.createDirectory(at: profile, withIntermediateDirectories: true)

        var pair: [Int32] = [-1, -1]
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &pair) == 0 else {
            throw BrowserError.launchFailed(executable: executable, errno: errno)
        }
        // Move the child's end above 4 so that duplicating it onto 3 and 4 never overwrites itself.
        let childEnd = fcntl(pair[1], F_DUPFD_CLOEXEC, 10)
        close(pair[1])

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, directory.appendingPathComponent("stderr.log").path,
                                         O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, childEnd, 3)
        posix_spawn_file_actions_adddup2(&actions, childEnd, 4)

        // Own process group, so `terminate` also reaches the renderer and GPU helpers; default signal mask.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK))

        let arguments = [executable] + Self.flags(userDataDirectory: profile.path)
        let argv = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var child: pid_t = 0
        let status = posix_spawn(&child, executable, &actions, &attributes, argv, environ)
        close(childEnd)
        guard status == 0 else {
            close(pair[0])
            try? FileManager.default.removeItem(at: directory)
            throw BrowserError.launchFailed(executable: executable, errno: status)
        }
        pid = child
        fd = pair[0]
    }

    /// The last lines Chromium wrote to stderr, for error messages.
    func logTail(lines: Int = 15) -> String {
        guard let text = try? String(contentsOf: directory.appendingPathComponent("stderr.log"), encoding: .utf8)
        else { return "" }
        return text.split(separator: "\n").suffix(lines).joined(separator: "\n")
    }

    /// Gives the browser `grace` seconds to exit by itself (after Browser.close), then kills its process group.
    func terminate(grace: Double = 2) {
        guard !terminated else { return }
        terminated = true
        let deadline = ContinuousClock.now + .milliseconds(Int(grace * 1000))
        var status: Int32 = 0
        var reaped = false
        while ContinuousClock.now < deadline {
            if waitpid(pid, &status, WNOHANG) == pid { reaped = true; break }
            usleep(20_000)
        }
        kill(-pid, SIGKILL)  // the helpers, and the browser itself if it did not exit
        if !reaped { waitpid(pid, &status, 0) }
        close(fd)
        try? FileManager.default.removeItem(at: directory)
    }

    deinit { terminate(grace: 0) }
}
