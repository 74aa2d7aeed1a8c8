import GRDB
import Synchronization
import Testing
@testable import LeadStore

@Suite("Group commit: concurrent writes share transactions, each item commits or fails alone")
struct GroupCommitTests {
    /// Counts committed transactions on the writer.
    final class CommitCounter: TransactionObserver, Sendable {
        let commits = Mutex(0)
        func observes(eventsOfKind eventKind: DatabaseEventKind) -> Bool { true }
        func databaseDidChange(with event: DatabaseEvent) {}
        func databaseDidCommit(_ db: Database) { self.commits.withLock { $0 += 1 } }
        func databaseDidRollback(_ db: Database) {}
    }

    struct Entry: Sendable {
        var id: Int
        var value: String
    }

    @Test("200 concurrent commits land in far fewer transactions; a constraint failure is only its caller's error")
    func batchesAndIsolatesFailures() async throws {
        try await withTemporaryDatabase { database in
            try await database.writer.write { db in
                try db.execute(sql: "CREATE TABLE entries (id INTEGER PRIMARY KEY, value TEXT NOT NULL UNIQUE)")
            }
            let counter = CommitCounter()
            database.writer.add(transactionObserver: counter, extent: .observerLifetime)
            let commits = GroupCommit<Entry, Void>(writer: database.writer) { entry, db in
                try db.execute(sql: "INSERT INTO entries (id, value) VALUES (?, ?)", arguments: [entry.id, entry.value])
            }
            // Entry 150 repeats entry 7's value: the UNIQUE constraint refuses it, and only it.
            let failures = await withTaskGroup(of: Int?.self) { group in
                for id in 0..<200 {
                    group.addTask {
                        do {
                            try await commits.commit(Entry(id: id, value: id == 150 ? "value 7" : "value \(id)"))
                            return nil
                        } catch {
                            return id
                        }
                    }
                }
                return await group.reduce(into: [Int]()) { if let id = $1 { $0.append(id) } }
            }
            #expect(failures == [150])
            let stored = try await database.writer.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM entries") }
            #expect(stored == 199)
            let transactions = counter.commits.withLock { $0 }
            #expect(transactions >= 1)
            #expect(transactions < 100, "\(transactions) transactions for 200 commits")
        }
    }

    @Test("a commit after a quiet spell is written at once, on its own")
    func loneCommit() async throws {
        try await withTemporaryDatabase { database in
            try await database.writer.write { db in try db.execute(sql: "CREATE TABLE entries (id INTEGER PRIMARY KEY, value TEXT NOT NULL)") }
            let commits = GroupCommit<Entry, Void>(writer: database.writer) { entry, db in
                try db.execute(sql: "INSERT INTO entries (id, value) VALUES (?, ?)", arguments: [entry.id, entry.value])
            }
            try await commits.commit(Entry(id: 1, value: "a"))
            try await commits.commit(Entry(id: 2, value: "b"))
            await #expect(throws: DatabaseError.self) { try await commits.commit(Entry(id: 2, value: "again")) }
            let stored = try await database.writer.read { db in try String.fetchAll(db, sql: "SELECT value FROM entries ORDER BY id") }
            #expect(stored == ["a", "b"])
        }
    }
}
