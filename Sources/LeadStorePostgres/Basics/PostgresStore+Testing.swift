import PostgresNIO

/// Raw SQL for tests that check the schema's own refusals (the append-only ledger, the balance
/// floors), which no repository would attempt. Not for production code: it is behind the
/// `Testing` SPI (`@_spi(Testing) import LeadStorePostgres`), and its SQL is literal, never built
/// from values.
extension PostgresStore {
    /// Runs one statement in a write transaction of its own, through the repositories' error mapping.
    @_spi(Testing) public func execute(unsafeSQL sql: String) async throws {
        try await self.write { connection in
            _ = try await connection.query(PostgresQuery(unsafeSQL: sql), logger: self.logger)
        }
    }

    /// The first column of the first row of one query, as an integer (a count); nil without rows.
    @_spi(Testing) public func integer(unsafeSQL sql: String) async throws -> Int64? {
        try await self.read { connection in
            for try await value in try await connection.query(PostgresQuery(unsafeSQL: sql), logger: self.logger).decode(Int64?.self) {
                return value
            }
            return nil
        }
    }
}
