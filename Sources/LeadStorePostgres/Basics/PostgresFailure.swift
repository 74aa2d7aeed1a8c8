import LeadEngine
import PostgresNIO

/// What PostgreSQL's failures mean to the engine: the ones time or an operator fixes become
/// `StorageUnavailable` (answered 503, told to `StorageHealth`), as SQLite's do; constraint
/// failures a repository did not translate become `PostgresConstraintViolation`; the rest keep
/// their own meaning.
enum PostgresFailure {
    /// SQLSTATE codes the store looks at.
    enum SQLState {
        static let uniqueViolation = "23505"
        static let foreignKeyViolation = "23503"
        static let checkViolation = "23514"
        static let notNullViolation = "23502"
        static let restrictViolation = "23001"
        static let exclusionViolation = "23P01"
        static let readOnlyTransaction = "25006"
        static let diskFull = "53100"
        static let outOfMemory = "53200"
        static let tooManyConnections = "53300"
        static let lockNotAvailable = "55P03"
        static let queryCanceled = "57014"
        static let adminShutdown = "57P01"
        static let crashShutdown = "57P02"
        static let cannotConnectNow = "57P03"
        static let ioError = "58030"
    }

    /// The failures a retry after the operator or time fixes the server can clear; nil for the
    /// rest (constraints, bugs, the store closed by its owner).
    static func storageFailure(_ error: any Error) -> StorageUnavailable.Reason? {
        if let failure = error as? StorageUnavailable { return failure.reason }
        if let transaction = error as? PostgresTransactionError {
            return (transaction.closureError ?? transaction.commitError ?? transaction.beginError).flatMap(storageFailure)
        }
        if self.isPoolGivingUp(error) { return .cannotOpen }
        guard let error = error as? PSQLError else { return nil }
        switch error.code {
        case .connectionError, .serverClosedConnection, .uncleanShutdown, .sslUnsupported, .failedToAddSSLHandler:
            return .cannotOpen
        case .server:
            return self.storageFailure(sqlState: error.serverInfo?[.sqlState] ?? "")
        default:
            return nil
        }
    }

    static func storageFailure(sqlState: String) -> StorageUnavailable.Reason? {
        switch sqlState {
        case SQLState.diskFull: return .full
        case SQLState.ioError: return .inputOutput
        // A primary turned standby (after a failover) takes no writes.
        case SQLState.readOnlyTransaction: return .readOnly
        // Waited too long (lock_timeout, statement_timeout), or the server is out of room for us.
        case SQLState.lockNotAvailable, SQLState.queryCanceled, SQLState.tooManyConnections, SQLState.outOfMemory: return .busy
        case SQLState.adminShutdown, SQLState.crashShutdown, SQLState.cannotConnectNow: return .cannotOpen
        default:
            // Class 08: connection exceptions; class 58: system errors (I/O).
            if sqlState.hasPrefix("08") { return .cannotOpen }
            if sqlState.hasPrefix("58") { return .inputOutput }
            return nil
        }
    }

    /// PostgresNIO's pool failing the requests that waited while it could not connect for a while:
    /// `ConnectionPoolError.connectionCreationCircuitBreakerTripped`, whose module
    /// (`_ConnectionPoolModule`, a product of postgres-nio) this target does not depend on, hence
    /// the match by name.
    static func isPoolGivingUp(_ error: any Error) -> Bool {
        String(reflecting: type(of: error)).hasSuffix("ConnectionPoolError")
            && String(reflecting: error).contains("connectionCreationCircuitBreakerTripped")
    }

    /// The SQLSTATE of a server error (or of one already made a `PostgresConstraintViolation`), nil
    /// for any other error.
    static func sqlState(_ error: any Error) -> String? {
        if let violation = error as? PostgresConstraintViolation { return violation.sqlState }
        return (error as? PSQLError)?.serverInfo?[.sqlState]
    }

    /// The constraint a server error names, if any.
    static func constraint(_ error: any Error) -> String? {
        if let violation = error as? PostgresConstraintViolation { return violation.constraint }
        return (error as? PSQLError)?.serverInfo?[.constraintName]
    }

    /// Whether `error` is the server refusing a row for violating `constraint` (an index name for a
    /// unique violation).
    static func violates(_ error: any Error, _ constraint: String) -> Bool {
        guard let state = self.sqlState(error), state.hasPrefix("23") else { return false }
        return self.constraint(error) == constraint
    }

    /// A constraint failure (SQLSTATE class 23) as a readable error; nil for anything else.
    static func constraintViolation(_ error: any Error) -> PostgresConstraintViolation? {
        guard let error = error as? PSQLError, let info = error.serverInfo, let state = info[.sqlState], state.hasPrefix("23") else {
            return nil
        }
        return PostgresConstraintViolation(
            sqlState: state, constraint: info[.constraintName], table: info[.tableName], message: info[.message] ?? "constraint violated"
        )
    }

    /// What went wrong, for an error message: the server's words, or the connection's.
    static func describe(_ error: any Error) -> String {
        guard let error = error as? PSQLError else { return String(describing: error) }
        if let info = error.serverInfo {
            return "\(info[.message] ?? "server error") (SQLSTATE \(info[.sqlState] ?? "?"))"
        }
        if let underlying = error.underlying { return "\(error.code): \(underlying)" }
        return "\(error.code)"
    }
}

/// The server refused a write for breaking a constraint that no repository translates into an
/// engine error: a duplicate id, a missing parent row. SQLite's store lets its own constraint
/// error through in the same places. The values are left out (they may be secrets' hashes).
public struct PostgresConstraintViolation: Error, Sendable, Equatable, CustomStringConvertible {
    /// 23505 unique, 23503 foreign key, 23514 check, 23502 not null, 23001 restrict (the ledger's trigger).
    public var sqlState: String
    public var constraint: String?
    public var table: String?
    public var message: String

    public var isUniqueViolation: Bool { self.sqlState == PostgresFailure.SQLState.uniqueViolation }

    public var description: String {
        "the store refused the write: \(self.message) (SQLSTATE \(self.sqlState)\(self.table.map { ", table \($0)" } ?? ""))"
    }
}
