/// The few parts of RFC 1035 a TXT look-up needs: the name, the query, and the answer read
/// defensively — whatever bytes come back give an answer or a `DNSFormatError`, never a trap.

/// A name DNS can carry: labels of 1 to 63 bytes, at most 253 characters written out.
struct DNSName: Sendable, CustomStringConvertible {
    let labels: [[UInt8]]

    /// A name written in ASCII (A-labels); a final dot is allowed, an empty label is not.
    init(ascii text: String) throws(DNSFormatError) {
        let written = text.hasSuffix(".") ? text.utf8.dropLast() : text.utf8[...]
        guard !written.isEmpty else { throw DNSFormatError("an empty name") }
        guard written.count <= 253 else { throw DNSFormatError("a name longer than 253 characters") }
        guard written.allSatisfy({ $0 < 0x80 }) else { throw DNSFormatError("a name not in ASCII (A-labels expected)") }
        let labels = written.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false).map { Array($0) }
        guard labels.allSatisfy({ !$0.isEmpty }) else { throw DNSFormatError("a name with an empty label") }
        guard labels.allSatisfy({ $0.count <= 63 }) else { throw DNSFormatError("a label longer than 63 bytes") }
        self.labels = labels
    }

    init(labels: [[UInt8]]) {
        self.labels = labels
    }

    /// DNS compares names without regard to ASCII case (RFC 4343).
    func isSame(as other: DNSName) -> Bool {
        self.labels.count == other.labels.count
            && zip(self.labels, other.labels).allSatisfy { mine, theirs in
                mine.count == theirs.count && zip(mine, theirs).allSatisfy { Self.lowercased($0) == Self.lowercased($1) }
            }
    }

    var wire: [UInt8] {
        self.labels.flatMap { [UInt8($0.count)] + $0 } + [0]
    }

    var description: String {
        self.labels.map { String(decoding: $0, as: UTF8.self) }.joined(separator: ".")
    }

    private static func lowercased(_ byte: UInt8) -> UInt8 {
        (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) ? byte + 0x20 : byte
    }
}

/// Why a name cannot be asked, or why an answer cannot be read.
struct DNSFormatError: Error, Equatable, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}

/// What a response said, as far as a TXT look-up cares.
struct DNSAnswer: Equatable, Sendable {
    var responseCode: Int
    /// Set over UDP when the answer did not fit: the records are then not read, TCP is asked.
    var truncated: Bool
    /// The TXT records at the end of the question's CNAME chain, each record's strings joined.
    var txt: [String]
}

/// One TXT question, with the id its answer must carry.
struct DNSQuery: Sendable {
    static let typeTXT: UInt16 = 16
    static let typeCNAME: UInt16 = 5
    static let typeOPT: UInt16 = 41
    static let classIN: UInt16 = 1
    /// The EDNS payload size of DNS Flag Day 2020: answers this big are not fragmented on common paths.
    static let udpPayloadSize: UInt16 = 1232
    /// Resolvers give the whole chain in one answer; a longer one is broken or hostile.
    static let maxAliases = 8

    let name: DNSName
    let id: UInt16

    /// A fresh random id for each query, so a stale or forged answer is unlikely to pass for ours.
    init(name: DNSName, id: UInt16 = .random(in: .min ... .max)) {
        self.name = name
        self.id = id
    }

    /// The query as sent: recursion desired, one question, and an EDNS0 OPT record.
    var wire: [UInt8] {
        var bytes: [UInt8] = []
        for field in [self.id, 0x0100, 1, 0, 0, 1] { bytes.appendBigEndian(field) }
        bytes += self.name.wire
        bytes.appendBigEndian(Self.typeTXT)
        bytes.appendBigEndian(Self.classIN)
        // OPT (RFC 6891): root owner, the payload size in the class, no extended flags, no options.
        bytes.append(0)
        for field in [Self.typeOPT, Self.udpPayloadSize, 0, 0, 0] { bytes.appendBigEndian(field) }
        return bytes
    }

    /// Reads a response to this query. Over UDP a truncated answer stops at the question; over TCP
    /// the records are read whatever the TC bit says.
    func read(_ bytes: [UInt8], overTCP: Bool) -> Result<DNSAnswer, DNSFormatError> {
        Result { () throws(DNSFormatError) in try self.parse(bytes, overTCP: overTCP) }
    }

    private func parse(_ bytes: [UInt8], overTCP: Bool) throws(DNSFormatError) -> DNSAnswer {
        var reader = WireReader(bytes: bytes)
        let id = try reader.u16()
        guard id == self.id else { throw DNSFormatError("an answer to another query") }
        let flags = try reader.u16()
        guard flags & 0x8000 != 0 else { throw DNSFormatError("a query, not an answer") }
        let truncated = flags & 0x0200 != 0
        let responseCode = Int(flags & 0x000F)
        let questions = try reader.u16()
        let answers = try reader.u16()
        _ = try reader.u16()  // authority and additional records are not needed
        _ = try reader.u16()
        // Some servers leave the question out of an error; the error is all there is to read.
        if questions == 0 && responseCode != 0 { return DNSAnswer(responseCode: responseCode, truncated: truncated, txt: []) }
        guard questions == 1 else { throw DNSFormatError("an answer with \(questions) questions") }
        let asked = try reader.name()
        guard asked.isSame(as: self.name), try reader.u16() == Self.typeTXT, try reader.u16() == Self.classIN else {
            throw DNSFormatError("an answer to another question")
        }
        if truncated && !overTCP { return DNSAnswer(responseCode: responseCode, truncated: true, txt: []) }

        var records: [(owner: DNSName, type: UInt16, data: Range<Int>)] = []
        for _ in 0..<answers {
            let owner = try reader.name()
            let type = try reader.u16()
            let recordClass = try reader.u16()
            _ = try reader.u32()  // TTL: nothing is cached
            let length = Int(try reader.u16())
            let data = try reader.skip(length)
            if recordClass == Self.classIN { records.append((owner, type, data)) }
        }
        var current = self.name
        var aliases = 0
        while let alias = records.first(where: { $0.type == Self.typeCNAME && $0.owner.isSame(as: current) }) {
            aliases += 1
            guard aliases <= Self.maxAliases else { throw DNSFormatError("a CNAME chain longer than \(Self.maxAliases)") }
            var target = WireReader(bytes: bytes, offset: alias.data.lowerBound)
            current = try target.name()
        }
        let txt = try records.filter { $0.type == Self.typeTXT && $0.owner.isSame(as: current) }.map { record throws(DNSFormatError) in
            try Self.text(bytes[record.data])
        }
        return DNSAnswer(responseCode: responseCode, truncated: truncated, txt: txt)
    }

    /// A TXT record's character-strings joined with nothing between them (RFC 7208 §3.3).
    static func text(_ data: ArraySlice<UInt8>) throws(DNSFormatError) -> String {
        var joined: [UInt8] = []
        var index = data.startIndex
        while index < data.endIndex {
            let end = index + 1 + Int(data[index])
            guard end <= data.endIndex else { throw DNSFormatError("a TXT string runs past its record") }
            joined += data[(index + 1)..<end]
            index = end
        }
        return String(decoding: joined, as: UTF8.self)
    }
}

/// Reads a message front to back; every read is bounds-checked.
private struct WireReader {
    let bytes: [UInt8]
    var offset = 0

    mutating func u16() throws(DNSFormatError) -> UInt16 {
        let range = try self.skip(2)
        return UInt16(self.bytes[range.lowerBound]) << 8 | UInt16(self.bytes[range.lowerBound + 1])
    }

    mutating func u32() throws(DNSFormatError) -> UInt32 {
        UInt32(try self.u16()) << 16 | UInt32(try self.u16())
    }

    /// Moves past `count` bytes and returns where they were.
    mutating func skip(_ count: Int) throws(DNSFormatError) -> Range<Int> {
        guard count <= self.bytes.count - self.offset else { throw DNSFormatError("an answer cut short") }
        defer { self.offset += count }
        return self.offset..<(self.offset + count)
    }

    /// A name, compression pointers followed; the reader moves past it. Each pointer must lead to
    /// before where the part of the name it ends began, so a loop of pointers cannot go round.
    mutating func name() throws(DNSFormatError) -> DNSName {
        var labels: [[UInt8]] = []
        var position = self.offset
        var partStart = position
        var resumeAt: Int?
        var length = 1
        while true {
            guard position < self.bytes.count else { throw DNSFormatError("a name runs past the answer") }
            let byte = self.bytes[position]
            switch byte >> 6 {
            case 0 where byte == 0:
                self.offset = resumeAt ?? position + 1
                return DNSName(labels: labels)
            case 0:
                let end = position + 1 + Int(byte)
                guard end <= self.bytes.count else { throw DNSFormatError("a label runs past the answer") }
                length += Int(byte) + 1
                guard length <= 255 else { throw DNSFormatError("a name longer than 255 bytes") }
                labels.append(Array(self.bytes[(position + 1)..<end]))
                position = end
            case 3:
                guard position + 1 < self.bytes.count else { throw DNSFormatError("a name pointer runs past the answer") }
                let target = Int(byte & 0x3F) << 8 | Int(self.bytes[position + 1])
                guard target < partStart else { throw DNSFormatError("a name pointer that does not point back") }
                resumeAt = resumeAt ?? position + 2
                position = target
                partStart = target
            default:
                throw DNSFormatError("a label of an unknown type")
            }
        }
    }
}

extension [UInt8] {
    fileprivate mutating func appendBigEndian(_ value: UInt16) {
        self.append(UInt8(value >> 8))
        self.append(UInt8(value & 0xFF))
    }
}
