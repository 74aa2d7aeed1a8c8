import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The one-server-per-database guard: an advisory `flock` on `<db>.lock`, holding the server's pid.
///
/// Not SQLite's exclusive locking mode, so the CLI keeps working beside a server. The kernel drops
/// the lock when the process dies, even by `kill -9`, so a crash leaves no stale lock. The file
/// itself stays: removing it on exit would let two servers lock two different files of one name.
public final class DatabaseLock: Sendable {
    public let path: String
    private let descriptor: Int32

    /// Another process holds the lock; `holderPID` is what it wrote into the file, if readable yet.
    public struct Held: Error, CustomStringConvertible {
        public let lockPath: String
        public let holderPID: Int32?

        public var description: String {
            let holder = self.holderPID.map { "process \($0)" } ?? "another process"
            return "the database is in use by \(holder) (lock \(self.lockPath)); one server per database"
        }
    }

    public struct Unavailable: Error, CustomStringConvertible {
        public let lockPath: String
        public let reason: String

        public var description: String { "cannot lock \(self.lockPath): \(self.reason)" }
    }

    public static func lockPath(forDatabase databasePath: String) -> String {
        databasePath + ".lock"
    }

    /// Takes the lock at once or throws `Held`; never waits.
    public init(databasePath: String) throws {
        let path = Self.lockPath(forDatabase: databasePath)
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw Unavailable(lockPath: path, reason: String(cString: strerror(errno))) }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let failure = errno
            close(descriptor)
            guard failure == EWOULDBLOCK else { throw Unavailable(lockPath: path, reason: String(cString: strerror(failure))) }
            throw Held(lockPath: path, holderPID: Self.recordedPID(at: path))
        }
        // Only the holder writes, so a reader sees an old pid or this one, never a mix.
        let pid = "\(getpid())\n"
        guard ftruncate(descriptor, 0) == 0, pwrite(descriptor, pid, pid.utf8.count, 0) == pid.utf8.count else {
            let reason = String(cString: strerror(errno))
            close(descriptor)
            throw Unavailable(lockPath: path, reason: reason)
        }
        self.path = path
        self.descriptor = descriptor
    }

    /// Closing the descriptor releases the lock; so does the process ending.
    deinit {
        close(self.descriptor)
    }

    static func recordedPID(at path: String) -> Int32? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        return Int32(text.trimmingCharacters(in: .whitespacesAndNewlines))
    }
}
