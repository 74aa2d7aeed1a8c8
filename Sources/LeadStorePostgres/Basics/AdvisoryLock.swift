/// The advisory locks the store takes, one key each, in one place so no two uses collide.
/// PostgreSQL scopes advisory locks to the database, so two stores on one server never wait on
/// each other.
enum AdvisoryLock: Int64 {
    /// Held (for the session) by the node migrating the schema: nodes starting together migrate once.
    case migrations = 0x657A_6C65_6564_7301  // "ezleeds" 01
    /// Held (for the transaction) by every write of `api_keys.change_seq`, so numbers are given out in
    /// commit order and a reader of `keysChanged(after:)` never skips a change committed late.
    case keyChanges = 0x657A_6C65_6564_7302  // "ezleeds" 02
}
