/// One named step of the schema: its statements run in one transaction, and its name is recorded
/// in `schema_migrations` in that same transaction, so it is applied once or not at all.
///
/// Statements are listed one by one (no splitting on `;`, which function bodies contain). None
/// may be one PostgreSQL refuses inside a transaction (`CREATE INDEX CONCURRENTLY`, `VACUUM`).
/// Never edit a migration that has shipped; add the next one.
public struct PostgresMigration: Sendable, Equatable {
    public let name: String
    public let statements: [String]

    public init(_ name: String, _ statements: String...) {
        self.init(name, statements: statements)
    }

    public init(_ name: String, statements: [String]) {
        self.name = name
        self.statements = statements
    }
}
