/// A stored value the domain cannot read back: a schema or data defect, never user input.
struct PostgresCorruptRow: Error, CustomStringConvertible {
    var table: String
    var column: String
    var value: String

    var description: String { "unreadable \(self.table).\(self.column): \(self.value)" }
}
