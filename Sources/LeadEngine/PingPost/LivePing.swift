/// A ping id in fixed size, for the ping book's index: hashing 16 bytes is cheaper than hashing
/// the 31-byte id, and the id's text need not be stored at all, since every look-up brings it.
///
/// Only ids of the form the book makes are keys: `ping_` and 1 to 30 lowercase hex digits
/// (`makePingID` writes 26). `high` holds the digit count in its top byte, so that `ping_0a`
/// and `ping_a` differ, and the digits above the last sixteen; `low` holds the last sixteen.
/// One id gives one key and no two ids the same key. Any other id gets a stand-in key from its shard.
struct PingKey: Hashable, Sendable {
    var high: UInt64
    var low: UInt64

    /// Nil for an id of any other form.
    init?(pingID: String) {
        // Every look-up parses its id: a loop over the bytes in place, not over a view's indices.
        let parsed: PingKey?? = pingID.utf8.withContiguousStorageIfAvailable(Self.parse)
        guard let key = parsed ?? Array(pingID.utf8).withUnsafeBufferPointer(Self.parse) else { return nil }
        self = key
    }

    private static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> PingKey? {
        let prefix = 5
        guard let base = bytes.baseAddress, bytes.count > prefix, bytes.count <= prefix + 30, bytes[0] == UInt8(ascii: "p"),
            bytes[1] == UInt8(ascii: "i"), bytes[2] == UInt8(ascii: "n"), bytes[3] == UInt8(ascii: "g"), bytes[4] == UInt8(ascii: "_")
        else { return nil }
        var high: UInt64 = 0
        var low: UInt64 = 0
        var index = prefix
        // Eight digits a step, in one word: a digit at a time was most of a look-up's time.
        while bytes.count - index >= 8 {
            let word = UInt64(littleEndian: UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self))
            guard let value = Self.value(ofHexDigits: word) else { return nil }
            high = high << 32 | low >> 32
            low = low << 32 | value
            index += 8
        }
        while index < bytes.count {
            guard let value = Self.value(ofHexDigits: UInt64(bytes[index]), count: 1) else { return nil }
            high = high << 4 | low >> 60
            low = low << 4 | value
            index += 1
        }
        return PingKey(high: UInt64(bytes.count - prefix) << 56 | high, low: low)
    }

    /// The value of `count` lowercase hex digits (1 or 8) held in a word's bytes, the first byte the
    /// first digit; nil unless every byte is one. Lowercase only, so that `ping_AB` and `ping_ab`,
    /// different ids, do not share a key.
    static func value(ofHexDigits word: UInt64, count: Int = 8) -> UInt64? {
        let ones: UInt64 = count == 8 ? 0x0101_0101_0101_0101 : 0x01
        // '0'...'9' are 0x30...0x39 and 'a'...'f' 0x61...0x66: a digit's value is its low four bits,
        // plus 9 where bit 6 is set. No byte carries into the next below.
        let digits = (word & (ones &* 0x0F)) &+ ((word >> 6) & ones) &* 9
        // Only the digits themselves: every value under 16, and writing the values back as
        // lowercase hex gives the word again.
        let isLetter = ((digits &+ ones &* 6) >> 4) & ones
        guard digits & (ones &* 0xF0) == 0, digits &+ ones &* 0x30 &+ isLetter &* 39 == word else { return nil }
        guard count == 8 else { return digits }
        // Pairs of digits into bytes, pairs of bytes into 16 bits, pairs of those into 32, the first most significant.
        var value = (digits << 4 | digits >> 8) & 0x00FF_00FF_00FF_00FF
        value = (value << 8 | value >> 16) & 0x0000_FFFF_0000_FFFF
        return (value << 16 | value >> 32) & 0x0000_0000_FFFF_FFFF
    }

    /// A key no parsed id has: its count byte is over 30.
    init(standIn number: UInt64) {
        self.init(high: .max, low: number)
    }

    private init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    var isStandIn: Bool { self.high == .max }
}

/// One live ping as its shard keeps it: the fields of `Ping` (less the id, which is the key, and
/// the outcomes, which the book drops) in the smallest types that hold the values pings carry, 64
/// bytes beside its bids, the tenant and source being slots of strings the shard holds once.
/// Every ping the book makes fits; one that does not (an id of another form, a state code not in
/// `USState`, a ZIP code of another shape, a ping `update` gave outcomes...) is kept whole by the
/// shard, and its record then only queues it for expiry and counts it for its tenant.
struct LivePing: Sendable {
    let key: PingKey
    var bids: [Bid]
    var soldTo: [String]
    /// When the ping expires, also when the sweep frees it (which `update` does not move).
    let expiresAtMilliseconds: Int64
    var tenant: UInt32
    var source: UInt32
    var floorPriceCents: Int32
    /// The five digits as a number.
    var zipCode: UInt32
    /// The code's place in `USState.codes`.
    var state: UInt8
    var tmaxMilliseconds: UInt16
    var outrankedStaticBuyers: UInt16
    /// Nil when the ping is kept whole.
    var campaignType: CampaignType?
    var listedOnDoNotCall: Bool?

    var isCompact: Bool { self.campaignType != nil }

    /// The record of a ping kept whole elsewhere.
    init(wholeWithKey key: PingKey, tenant: UInt32, expiresAtMilliseconds: Int64) {
        self.key = key
        self.bids = []
        self.soldTo = []
        self.expiresAtMilliseconds = expiresAtMilliseconds
        self.tenant = tenant
        self.source = 0
        self.floorPriceCents = 0
        self.zipCode = 0
        self.state = 0
        self.tmaxMilliseconds = 0
        self.outrankedStaticBuyers = 0
        self.campaignType = nil
        self.listedOnDoNotCall = nil
    }

    /// The compact record of `ping` (its outcomes left out), or nil when a field does not fit
    /// exactly. The key must be the one `ping.id` parses to; `source` is left for the shard to set.
    init?(compacting ping: Ping, key: PingKey, tenant: UInt32) {
        let request = ping.request
        guard !key.isStandIn,
            ping.createdAtMilliseconds.addingReportingOverflow(Ping.lifetimeMilliseconds) == (ping.expiresAtMilliseconds, false),
            let floor = Int32(exactly: ping.floorPriceCents), let outranked = UInt16(exactly: ping.outrankedStaticBuyers),
            let tmax = UInt16(exactly: request.tmaxMilliseconds), let state = Self.state(request.state),
            let zipCode = Self.zipCode(request.zipCode)
        else { return nil }
        self.key = key
        self.bids = ping.bids
        self.soldTo = ping.soldTo
        self.expiresAtMilliseconds = ping.expiresAtMilliseconds
        self.tenant = tenant
        self.source = 0
        self.floorPriceCents = floor
        self.zipCode = zipCode
        self.state = state
        self.tmaxMilliseconds = tmax
        self.outrankedStaticBuyers = outranked
        self.campaignType = request.campaignType
        self.listedOnDoNotCall = request.listedOnDoNotCall
    }

    /// The ping again, under the id it was looked up by (the one id with this key), with the
    /// strings in its slots; a compact record only.
    func ping(id: consuming String, tenantID: consuming String, source: consuming String) -> Ping {
        precondition(self.isCompact, "a ping kept whole is not in its record")
        let request = PingRequest(
            campaignType: self.campaignType ?? .legalPI, state: Self.state(self.state), zipCode: Self.zipCode(self.zipCode), source: source,
            tmaxMilliseconds: Int(self.tmaxMilliseconds), listedOnDoNotCall: self.listedOnDoNotCall
        )
        return Ping(
            id: id, tenantID: tenantID, request: request, floorPriceCents: Int64(self.floorPriceCents), bids: self.bids, outcomes: [],
            createdAtMilliseconds: self.expiresAtMilliseconds - Ping.lifetimeMilliseconds, soldTo: self.soldTo,
            outrankedStaticBuyers: Int(self.outrankedStaticBuyers)
        )
    }

    private static let stateIndex = Dictionary(uniqueKeysWithValues: USState.codes.enumerated().map { ($0.element, UInt8($0.offset)) })

    private static func state(_ code: String) -> UInt8? { Self.stateIndex[code] }

    /// Looked up, not decoded: every look-up of a ping rebuilds its state.
    private static func state(_ index: UInt8) -> String { USState.codes[Int(index)] }

    private static func zipCode(_ text: String) -> UInt32? {
        guard FieldRules.isZipCode(text) else { return nil }
        return text.utf8.reduce(0) { $0 * 10 + UInt32($1 &- UInt8(ascii: "0")) }
    }

    /// Five digits are a string of at most 15 bytes, which Swift keeps inline: nothing is allocated.
    private static func zipCode(_ number: UInt32) -> String {
        String(unsafeUninitializedCapacity: 5) { buffer in
            var rest = number
            for index in stride(from: 4, through: 0, by: -1) {
                buffer[index] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: rest % 10)
                rest /= 10
            }
            return 5
        }
    }
}

/// Strings the records of a shard share (tenants, sources), each held once in a numbered slot and
/// counted by the live pings that use it: a record keeps a 4-byte slot, not a 16-byte string, and
/// sellers repeat a few sources over and over. A slot frees with its last ping and is reused, so
/// the table holds no more strings than live pings use.
struct CountedStrings: Sendable {
    private var slots: [(text: String, uses: Int)] = []
    private var slotByText: [String: UInt32] = [:]
    private var freeSlots: [UInt32] = []

    /// The slot holding `text`; nil when no live ping uses it.
    func slot(of text: String) -> UInt32? { self.slotByText[text] }

    subscript(slot: UInt32) -> String { self.slots[Int(slot)].text }

    func uses(of slot: UInt32) -> Int { self.slots[Int(slot)].uses }

    /// One more use of `text`, whose slot is `slot` if known; gives back the slot.
    mutating func countIn(_ text: String, slot known: UInt32? = nil) -> UInt32 {
        if let slot = known ?? self.slotByText[text] {
            self.slots[Int(slot)].uses += 1
            return slot
        }
        let slot: UInt32
        if let free = self.freeSlots.popLast() {
            slot = free
            self.slots[Int(slot)] = (text, 1)
        } else {
            slot = UInt32(self.slots.count)
            self.slots.append((text, 1))
        }
        self.slotByText[text] = slot
        return slot
    }

    /// One use less, freeing the slot at none.
    mutating func countOut(_ slot: UInt32) {
        let index = Int(slot)
        guard self.slots[index].uses > 1 else {
            self.slotByText[self.slots[index].text] = nil
            self.slots[index] = ("", 0)
            self.freeSlots.append(slot)
            return
        }
        self.slots[index].uses -= 1
    }
}

/// A shard's records in insertion order, which is expiry order: a ring over an array. A look-up
/// reads a record's fields where they are, where a `Deque` would hand out a copy of the whole
/// record, retaining and releasing its arrays.
struct LivePingQueue: Sendable {
    /// `count` records from `head` on, wrapping around; the other slots hold `vacant`.
    private var slots: ContiguousArray<LivePing> = []
    private var head = 0
    private(set) var count = 0

    var isEmpty: Bool { self.count == 0 }

    subscript(offset: Int) -> LivePing {
        _read { yield self.slots[self.slot(offset)] }
        _modify { yield &self.slots[self.slot(offset)] }
    }

    mutating func append(_ record: LivePing) {
        if self.count == self.slots.count { self.grow() }
        let slot = self.head + self.count
        self.slots[slot < self.slots.count ? slot : slot - self.slots.count] = record
        self.count += 1
    }

    mutating func removeFirst() -> LivePing {
        precondition(self.count > 0, "no live ping to remove")
        var record = Self.vacant
        swap(&record, &self.slots[self.head])
        self.head = self.head + 1 == self.slots.count ? 0 : self.head + 1
        self.count -= 1
        return record
    }

    private func slot(_ offset: Int) -> Int {
        precondition(offset >= 0 && offset < self.count, "no such live ping")
        let slot = self.head + offset
        return slot < self.slots.count ? slot : slot - self.slots.count
    }

    /// By half again when full, as `Deque` grows, so that memory follows the live count; the
    /// slots fill the whole allocation, which may be a little larger than asked for.
    private mutating func grow() {
        var grown = ContiguousArray<LivePing>()
        grown.reserveCapacity(max(16, self.slots.count + self.slots.count / 2))
        // Moved out, a vacant record swapped in: copying would retain and release every record's arrays.
        for offset in 0..<self.count {
            var record = Self.vacant
            swap(&record, &self.slots[self.slot(offset)])
            grown.append(record)
        }
        grown.append(contentsOf: repeatElement(Self.vacant, count: grown.capacity - self.count))
        self.slots = grown
        self.head = 0
    }

    /// What an empty slot holds: no strings, empty arrays, so nothing on the heap.
    private static var vacant: LivePing { LivePing(wholeWithKey: PingKey(standIn: 0), tenant: 0, expiresAtMilliseconds: 0) }
}
