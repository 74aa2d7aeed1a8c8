import LeadEngine

/// A compact binary form for records the store writes whole and reads back whole (the sale log):
/// integers as zig-zag varints, text and blobs with a varint length, optionals with a flag byte.
/// No field names and no schema in the bytes; the record's own code fixes the order.
package struct RecordWriter {
    package private(set) var bytes: [UInt8]

    package init(capacity: Int = 1024) {
        self.bytes = []
        self.bytes.reserveCapacity(capacity)
    }

    package mutating func integer(_ value: Int64) {
        var zigzag = UInt64(bitPattern: (value << 1) ^ (value >> 63))
        while zigzag >= 0x80 {
            self.bytes.append(UInt8(truncatingIfNeeded: zigzag) | 0x80)
            zigzag >>= 7
        }
        self.bytes.append(UInt8(zigzag))
    }

    package mutating func integer(_ value: Int) { self.integer(Int64(value)) }

    package mutating func bool(_ value: Bool) { self.bytes.append(value ? 1 : 0) }

    package mutating func string(_ value: String) {
        var value = value
        value.withUTF8 { utf8 in
            self.integer(utf8.count)
            self.bytes.append(contentsOf: utf8)
        }
    }

    package mutating func blob(_ value: [UInt8]) {
        self.integer(value.count)
        self.bytes.append(contentsOf: value)
    }

    package mutating func optional<T>(_ value: T?, _ write: (inout RecordWriter, T) -> Void) {
        guard let value else { return self.bytes.append(0) }
        self.bytes.append(1)
        write(&self, value)
    }

    package mutating func array<T>(_ values: [T], _ write: (inout RecordWriter, T) -> Void) {
        self.integer(values.count)
        for value in values { write(&self, value) }
    }
}

/// Reads what `RecordWriter` wrote, in the same order; anything else is a `CorruptRecord`.
package struct RecordReader {
    private let bytes: [UInt8]
    private var offset = 0

    package init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    package var isAtEnd: Bool { self.offset == self.bytes.count }

    package mutating func integer() throws(CorruptRecord) -> Int64 {
        var zigzag: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard self.offset < self.bytes.count, shift < 64 else { throw CorruptRecord(at: self.offset) }
            let byte = self.bytes[self.offset]
            self.offset += 1
            zigzag |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { break }
            shift += 7
        }
        return Int64(bitPattern: zigzag >> 1) ^ -Int64(bitPattern: zigzag & 1)
    }

    package mutating func int() throws(CorruptRecord) -> Int {
        let value = try self.integer()
        guard let int = Int(exactly: value) else { throw CorruptRecord(at: self.offset) }
        return int
    }

    package mutating func bool() throws(CorruptRecord) -> Bool {
        switch try self.byte() {
        case 0: false
        case 1: true
        default: throw CorruptRecord(at: self.offset - 1)
        }
    }

    package mutating func string() throws(CorruptRecord) -> String {
        String(decoding: try self.blob(), as: UTF8.self)
    }

    package mutating func blob() throws(CorruptRecord) -> [UInt8] {
        let count = try self.int()
        guard count >= 0, count <= self.bytes.count - self.offset else { throw CorruptRecord(at: self.offset) }
        defer { self.offset += count }
        return Array(self.bytes[self.offset..<self.offset + count])
    }

    package mutating func optional<T>(_ read: (inout RecordReader) throws -> T) throws -> T? {
        try self.bool() ? read(&self) : nil
    }

    package mutating func array<T>(_ read: (inout RecordReader) throws -> T) throws -> [T] {
        let count = try self.int()
        // Each element takes at least a byte: a count past what is left is corrupt, not a huge allocation.
        guard count >= 0, count <= self.bytes.count - self.offset else { throw CorruptRecord(at: self.offset) }
        var values: [T] = []
        values.reserveCapacity(count)
        for _ in 0..<count { values.append(try read(&self)) }
        return values
    }

    /// A raw value of `T` stored as text; an unknown one is corrupt.
    package mutating func raw<T: RawRepresentable>(_ type: T.Type) throws -> T where T.RawValue == String {
        let text = try self.string()
        guard let value = T(rawValue: text) else { throw CorruptRecord(at: self.offset) }
        return value
    }

    private mutating func byte() throws(CorruptRecord) -> UInt8 {
        guard self.offset < self.bytes.count else { throw CorruptRecord(at: self.offset) }
        defer { self.offset += 1 }
        return self.bytes[self.offset]
    }
}

/// A stored record that does not read back as written.
package struct CorruptRecord: Error, CustomStringConvertible {
    package let at: Int
    package var description: String { "corrupt record at byte \(self.at)" }
}
