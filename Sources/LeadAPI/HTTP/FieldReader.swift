import LeadEngine

/// Reads typed fields from a JSON object, collecting a field error for each wrong type instead of
/// stopping at the first. Absent and `null` are told apart for partial updates.
struct FieldReader {
    let object: [String: JSONValue]
    /// Where this object sits in the body (`lead.` for the lead of a post), for error field names.
    let prefix: String
    var errors = FieldErrors()

    init(_ object: [String: JSONValue], prefix: String = "") {
        self.object = object
        self.prefix = prefix
    }

    func contains(_ field: String) -> Bool { self.object[field] != nil }

    /// Absent or `null`: for a required field, "is required" (a present value of the wrong type
    /// is reported by its reader instead).
    func lacks(_ field: String) -> Bool { self.object[field] == nil || self.object[field] == .null }

    /// A string; one holding NUL is refused, whatever the field: the store, the signer and C
    /// libraries would each read it differently (SQLite keeps what is before the NUL).
    mutating func string(_ field: String) -> String? {
        guard let value = self.read(field, expected: "a string", { if case .string(let value) = $0 { value } else { nil } }) else { return nil }
        guard !value.utf8.contains(0) else {
            self.errors.add(self.prefix + field, "must not contain a NUL character")
            return nil
        }
        return value
    }

    mutating func bool(_ field: String) -> Bool? {
        self.read(field, expected: "a boolean") { if case .bool(let value) = $0 { value } else { nil } }
    }

    mutating func int64(_ field: String) -> Int64? {
        self.read(field, expected: "an integer") { value in
            switch value {
            case .integer(let number): number
            // An integral number written with a fraction or exponent (1.0, 1e3) is still an integer.
            case .number(let number) where number.rounded() == number && abs(number) < 9.0e15: Int64(number)
            default: nil
            }
        }
    }

    mutating func int(_ field: String) -> Int? {
        guard let value = self.int64(field) else { return nil }
        guard let narrowed = Int(exactly: value), abs(narrowed) <= Int(Int32.max) else {
            self.errors.add(self.prefix + field, "is out of range")
            return nil
        }
        return narrowed
    }

    /// A nested object, read with its own reader; merge its errors back with `absorb`.
    mutating func object(_ field: String) -> FieldReader? {
        let nestedPrefix = self.prefix + field + "."
        return self.read(field, expected: "an object") { if case .object(let value) = $0 { FieldReader(value, prefix: nestedPrefix) } else { nil } }
    }

    mutating func absorb(_ nested: FieldReader?) {
        if let nested { self.errors.merge(nested.errors.all) }
    }

    mutating func strings(_ field: String) -> [String]? {
        let strings = self.read(field, expected: "an array of strings") { value -> [String]? in
            guard case .array(let items) = value else { return nil }
            var strings: [String] = []
            for item in items {
                guard case .string(let string) = item else { return nil }
                strings.append(string)
            }
            return strings
        }
        guard let strings else { return nil }
        guard strings.allSatisfy({ !$0.utf8.contains(0) }) else {
            self.errors.add(self.prefix + field, "must not contain a NUL character")
            return nil
        }
        return strings
    }

    /// For a partial update: `.unchanged` when absent; `null` is refused for a field that cannot be cleared.
    mutating func update<T: Sendable>(_ field: String, _ read: (inout FieldReader, String) -> T?) -> FieldUpdate<T> {
        guard let value = self.object[field] else { return .unchanged }
        if value == .null {
            self.errors.add(self.prefix + field, "must not be null")
            return .unchanged
        }
        guard let typed = read(&self, field) else { return .unchanged }
        return .set(typed)
    }

    /// For a partial update of a nullable field: `null` clears it.
    mutating func nullableUpdate<T: Sendable>(_ field: String, _ read: (inout FieldReader, String) -> T?) -> FieldUpdate<T?> {
        guard let value = self.object[field] else { return .unchanged }
        if value == .null { return .set(nil) }
        guard let typed = read(&self, field) else { return .unchanged }
        return .set(typed)
    }

    private mutating func read<T>(_ field: String, expected: String, _ extract: (JSONValue) -> T?) -> T? {
        guard let value = self.object[field], value != .null else { return nil }
        guard let typed = extract(value) else {
            self.errors.add(self.prefix + field, "must be \(expected), not \(value.typeName)")
            return nil
        }
        return typed
    }
}
