import Foundation

/// The files SQLite keeps for one database: the file itself, its WAL and its shared memory.
///
/// Noted before an open, so that a failed open removes what it created and nothing else: SQLite
/// makes `-wal` and `-shm` with the database file's permissions, and ones left by a start on a
/// read-only file would break the next start after the file is fixed.
struct DatabaseFiles {
    static let suffixes = ["", "-wal", "-shm"]

    let path: String
    /// The suffixes whose files existed when noted.
    let existing: Set<String>

    init(path: String) {
        self.path = path
        self.existing = Set(Self.suffixes.filter { FileManager.default.fileExists(atPath: path + $0) })
    }

    var databaseExists: Bool { self.existing.contains("") }

    /// Removes the files that appeared since `self` was noted.
    func removeCreated() {
        for suffix in Self.suffixes where !self.existing.contains(suffix) {
            try? FileManager.default.removeItem(atPath: self.path + suffix)
        }
    }
}

/// An open that needs an existing database found none; `path` is absolute.
public struct DatabaseMissing: Error, CustomStringConvertible {
    public let path: String

    public var description: String { "no database at \(self.path)" }
}

extension LeadDatabase {
    /// `path` made absolute against the working directory, for messages an operator acts on.
    public static func absolutePath(_ path: String) -> String {
        URL(fileURLWithPath: path).standardizedFileURL.path
    }

    public static func exists(at path: String) -> Bool {
        FileManager.default.fileExists(atPath: path)
    }

    /// Throws `DatabaseMissing` unless a database file is at `path`.
    public static func requireExisting(at path: String) throws {
        guard Self.exists(at: path) else { throw DatabaseMissing(path: Self.absolutePath(path)) }
    }
}
