/// An immutable, compact set of US phone numbers: one Do-Not-Call list (the federal registry, one
/// state's list, or a tenant's internal list).
///
/// Numbers are 10-digit NANP numbers written as integers, `7025551234` for +1 702-555-1234: a
/// 3-digit area code (200–999) and a 7-digit subscriber number whose exchange (its first three
/// digits) is 200–999. Anything else cannot be a US phone and is never on a list.
///
/// Each area code (800 slots, one per code 200–999) holds its numbers in whichever of three forms
/// is smallest for its count `n`, chosen automatically:
///
/// | Form | Bytes | Look-up | Used for |
/// | --- | --- | --- | --- |
/// | sorted array of 7-digit subscriber numbers (`UInt32`) | 4·n | binary search | n ≤ 1,602 (`exchangeIndexMinimum` − 1) |
/// | exchange index: where each of the 800 exchanges starts (`UInt32` × 801), then the 4-digit line numbers (`UInt16`), sorted | 2·n + 3,204 | one index read, then a search in one exchange's run | 1,602 < n ≤ 498,398 |
/// | bitset over the 8,000,000 subscriber numbers of exchanges 200–999 | 1,000,000 | one bit test | n > 498,398 (`bitsetThreshold`) |
///
/// So a number costs at most 4 bytes (2 in a populous area code), and an area code at most 1 MB. The
/// exchange index keeps a look-up to two or three cache misses: a binary search over a whole area
/// code's array would take one miss per step once the list outgrows the CPU caches (it measured
/// 350 ns at 10 million numbers, against 120–260 ns now). A look-up allocates nothing and takes no
/// lock.
///
/// The value is immutable and `Sendable`: an import builds a new list (`applying(_:)` shares the
/// storage of every area code it does not touch) and the owner swaps it in, so look-ups never wait
/// for an import.
public struct DoNotCallList: Sendable, Equatable {
    /// The first valid area code, and exchange: a NANP code's first digit is 2–9.
    static let lowestAreaCode = 200
    /// Area codes 200–999.
    static let slotCount = 800
    /// The first valid subscriber number: exchange 200, line 0000.
    static let lowestSubscriber = 2_000_000
    /// Subscriber numbers 2,000,000–9,999,999.
    static let subscriberSpan = 8_000_000
    /// Exchanges 200–999 in an area code.
    static let exchangeCount = 800
    /// Line numbers 0000–9999 in an exchange.
    static let linesPerExchange = 10_000
    /// 64-bit words of one area code's bitset: 8,000,000 bits, 1,000,000 bytes.
    static let bitsetWordCount = subscriberSpan / 64
    /// Bytes of an exchange index's table of offsets.
    static let exchangeIndexTableBytes = (exchangeCount + 1) * MemoryLayout<UInt32>.stride

    /// From this many numbers an area code is held as an exchange index (2 bytes a number plus a
    /// 3,204-byte table) rather than a sorted array (4 bytes a number).
    public static let exchangeIndexMinimum = exchangeIndexTableBytes / 2 + 1
    /// Above this many numbers an area code is held as a bitset (1,000,000 bytes, whatever the
    /// count) rather than an exchange index: the count at which the two cost the same.
    public static let bitsetThreshold = (bitsetWordCount * 8 - exchangeIndexTableBytes) / 2

    /// The list with no numbers.
    public static let empty = DoNotCallList(areas: [Area](repeating: .empty, count: slotCount), count: 0)

    /// How one area code's numbers are held.
    public enum Representation: Sendable, Equatable {
        case empty
        case sortedArray
        case exchangeIndex
        case bitset
    }

    /// One area code's numbers; the form is always the one `area(sorted:)` picks for the count, so
    /// two lists with the same numbers are equal.
    enum Area: Sendable, Equatable {
        case empty
        /// Subscriber numbers (`number % 10_000_000`), ascending, no duplicates; fewer than `exchangeIndexMinimum`.
        case sorted([UInt32])
        /// `offsets[e]..<offsets[e + 1]` are the indices in `lines` of exchange `200 + e`'s line
        /// numbers (`number % 10_000`), each run ascending, no duplicates. From `exchangeIndexMinimum`
        /// up to `bitsetThreshold` numbers.
        case indexed(offsets: [UInt32], lines: [UInt16])
        /// Bit `subscriber - lowestSubscriber` set for each number; more than `bitsetThreshold` of them.
        case bitset([UInt64], count: Int)

        var count: Int {
            switch self {
            case .empty: 0
            case .sorted(let subscribers): subscribers.count
            case .indexed(_, let lines): lines.count
            case .bitset(_, let count): count
            }
        }

        var memoryBytes: Int {
            switch self {
            case .empty: 0
            case .sorted(let subscribers): subscribers.capacity * MemoryLayout<UInt32>.stride
            case .indexed(let offsets, let lines):
                offsets.capacity * MemoryLayout<UInt32>.stride + lines.capacity * MemoryLayout<UInt16>.stride
            case .bitset(let words, _): words.capacity * MemoryLayout<UInt64>.stride
            }
        }

        var representation: Representation {
            switch self {
            case .empty: .empty
            case .sorted: .sortedArray
            case .indexed: .exchangeIndex
            case .bitset: .bitset
            }
        }
    }

    /// Indexed by `areaCode - 200`.
    private let areas: [Area]

    /// How many numbers the list holds.
    public let count: Int

    private init(areas: [Area], count: Int) {
        self.areas = areas
        self.count = count
    }

    public var isEmpty: Bool { self.count == 0 }

    /// The bytes the numbers take: the element storage of the arrays, indexes and bitsets
    /// (allocated capacity, not only the count) plus the 800-slot area-code table. Array headers
    /// (32 bytes each, at most two per area code) and malloc's own overhead are not counted.
    public var memoryBytes: Int {
        var bytes = self.areas.capacity * MemoryLayout<Area>.stride
        for area in self.areas { bytes += area.memoryBytes }
        return bytes
    }

    // MARK: Look-up

    /// Whether the 10-digit number (`7025551234`) is on the list. False for anything that is not a
    /// valid NANP number.
    public func contains(_ number: UInt64) -> Bool {
        guard number < 10_000_000_000 else { return false }
        let (areaCode, subscriber) = number.quotientAndRemainder(dividingBy: 10_000_000)
        return self.contains(areaCode: Int(truncatingIfNeeded: areaCode), subscriber: Int(truncatingIfNeeded: subscriber))
    }

    /// Whether the number with this 3-digit area code and 7-digit subscriber number is on the list.
    public func contains(areaCode: Int, subscriber: Int) -> Bool {
        let slot = areaCode &- Self.lowestAreaCode
        let bit = subscriber &- Self.lowestSubscriber
        guard slot >= 0, slot < Self.slotCount, bit >= 0, bit < Self.subscriberSpan else { return false }
        switch self.areas[slot] {
        case .empty:
            return false
        case .sorted(let subscribers):
            return subscribers.withUnsafeBufferPointer {
                Self.binarySearch($0, from: 0, to: $0.count, for: UInt32(truncatingIfNeeded: subscriber))
            }
        case .indexed(let offsets, let lines):
            let exchange = bit / Self.linesPerExchange
            let line = UInt16(truncatingIfNeeded: bit &- exchange &* Self.linesPerExchange)
            let (start, end) = offsets.withUnsafeBufferPointer { (Int($0[exchange]), Int($0[exchange &+ 1])) }
            return lines.withUnsafeBufferPointer { Self.interpolationSearch($0, from: start, to: end, for: line) }
        case .bitset(let words, _):
            return words.withUnsafeBufferPointer { $0[bit &>> 6] & (1 &<< UInt64(bit & 63)) != 0 }
        }
    }

    /// Whether the number written in E.164, exactly `+1` and 10 digits (`+17025551234`), is on the
    /// list. Any other text answers false: normalise first (`PhoneNumber.e164(fromUS:)`).
    public func contains(e164: String) -> Bool {
        guard let split = Self.split(e164: e164) else { return false }
        return self.contains(areaCode: split.areaCode, subscriber: split.subscriber)
    }

    /// The 10-digit number of a valid `+1NXXNXXXXXX` (`+17025551234` → 7025551234), or nil;
    /// allocates nothing.
    public static func number(fromE164 e164: String) -> UInt64? {
        guard let split = Self.split(e164: e164) else { return nil }
        return UInt64(split.areaCode) * 10_000_000 + UInt64(split.subscriber)
    }

    /// Area code and subscriber number of a valid `+1NXXNXXXXXX`, read straight from the digits.
    private static func split(e164: String) -> (areaCode: Int, subscriber: Int)? {
        if let parsed = e164.utf8.withContiguousStorageIfAvailable({ Self.split(e164UTF8: $0) }) { return parsed }
        return Self.split(e164UTF8: e164.utf8)  // a bridged string without contiguous UTF-8: rare
    }

    @inline(__always)
    private static func split(e164UTF8 bytes: some Collection<UInt8>) -> (areaCode: Int, subscriber: Int)? {
        guard bytes.count == 12 else { return nil }
        var index = bytes.startIndex
        guard bytes[index] == UInt8(ascii: "+") else { return nil }
        bytes.formIndex(after: &index)
        guard bytes[index] == UInt8(ascii: "1") else { return nil }
        bytes.formIndex(after: &index)
        var areaCode = 0
        var subscriber = 0
        var position = 0
        while index != bytes.endIndex {
            let digit = bytes[index] &- UInt8(ascii: "0")
            guard digit < 10 else { return nil }
            if position < 3 {
                areaCode = areaCode &* 10 &+ Int(digit)
            } else {
                subscriber = subscriber &* 10 &+ Int(digit)
            }
            position &+= 1
            bytes.formIndex(after: &index)
        }
        guard areaCode >= Self.lowestAreaCode, subscriber >= Self.lowestSubscriber else { return nil }
        return (areaCode, subscriber)
    }

    /// True for a 10-digit NANP number: area code and exchange 200–999.
    public static func isValid(_ number: UInt64) -> Bool {
        Self.split(number) != nil
    }

    /// Whether `key` is in `buffer[start..<end]`, sorted ascending; no allocation.
    @inline(__always)
    private static func binarySearch<Element: FixedWidthInteger>(
        _ buffer: UnsafeBufferPointer<Element>, from start: Int, to end: Int, for key: Element
    ) -> Bool {
        var length = end &- start
        guard length > 0 else { return false }
        var base = start
        while length > 1 {
            let half = length &>> 1
            base = buffer[base &+ half] <= key ? base &+ half : base
            length &-= half
        }
        return buffer[base] == key
    }

    /// Whether `key` is in `lines[start..<end]`: one exchange's line numbers, ascending, spread
    /// over 0–9,999. Starts where `key` would be if they were spread evenly, then gallops to a
    /// bracket and searches it, so a look-up touches one or two cache lines of a long run rather
    /// than one a step; never more than twice the steps of a plain binary search.
    @inline(__always)
    private static func interpolationSearch(_ lines: UnsafeBufferPointer<UInt16>, from start: Int, to end: Int, for key: UInt16) -> Bool {
        let length = end &- start
        guard length > 32 else { return Self.binarySearch(lines, from: start, to: end, for: key) }
        let guess = start &+ Int(key) &* length / Self.linesPerExchange
        var low: Int
        var high: Int
        var step = 1
        if lines[guess] <= key {
            low = guess  // lines[low] <= key; find an index above key
            high = end
            while low &+ step < end {
                if lines[low &+ step] > key {
                    high = low &+ step
                    break
                }
                low &+= step
                step &<<= 1
            }
        } else {
            high = guess  // lines[high] > key; find an index at or below key
            low = start
            while high &- step >= start {
                if lines[high &- step] <= key {
                    low = high &- step
                    break
                }
                high &-= step
                step &<<= 1
            }
        }
        return Self.binarySearch(lines, from: low, to: high, for: key)
    }

    // MARK: Inspection

    /// How many numbers of this area code the list holds.
    public func count(areaCode: Int) -> Int {
        let slot = areaCode - Self.lowestAreaCode
        guard slot >= 0, slot < Self.slotCount else { return 0 }
        return self.areas[slot].count
    }

    /// How this area code's numbers are held.
    public func representation(areaCode: Int) -> Representation {
        let slot = areaCode - Self.lowestAreaCode
        guard slot >= 0, slot < Self.slotCount else { return .empty }
        return self.areas[slot].representation
    }

    /// The area codes that hold numbers, ascending.
    public var areaCodes: [Int] {
        (0..<Self.slotCount).filter { self.areas[$0].count > 0 }.map { $0 + Self.lowestAreaCode }
    }

    /// One area code's subscriber numbers (the last 7 digits), ascending: what a store writes for
    /// the area code, and `Builder.insert(areaCode:subscribers:)` reads back.
    public func subscribers(areaCode: Int) -> [UInt32] {
        let slot = areaCode - Self.lowestAreaCode
        guard slot >= 0, slot < Self.slotCount else { return [] }
        return Self.subscribers(of: self.areas[slot])
    }

    /// Every number, ascending (to write the list out, or compare it).
    public func forEach(_ body: (UInt64) throws -> Void) rethrows {
        for slot in 0..<Self.slotCount {
            let base = UInt64(slot + Self.lowestAreaCode) * 10_000_000
            switch self.areas[slot] {
            case .empty:
                continue
            case .sorted(let subscribers):
                for subscriber in subscribers { try body(base + UInt64(subscriber)) }
            case .indexed(let offsets, let lines):
                for exchange in 0..<Self.exchangeCount where offsets[exchange] < offsets[exchange + 1] {
                    let first = base + UInt64(Self.lowestSubscriber + exchange * Self.linesPerExchange)
                    for index in Int(offsets[exchange])..<Int(offsets[exchange + 1]) { try body(first + UInt64(lines[index])) }
                }
            case .bitset(let words, _):
                let first = base + UInt64(Self.lowestSubscriber)
                for (index, word) in words.enumerated() {
                    var remaining = word
                    while remaining != 0 {
                        try body(first + UInt64(index &* 64 &+ remaining.trailingZeroBitCount))
                        remaining &= remaining &- 1
                    }
                }
            }
        }
    }

    // MARK: Building

    /// The list of these numbers, in any order, duplicates allowed. Numbers that are not valid
    /// NANP numbers (see `isValid`) are skipped: they could never match a look-up.
    ///
    /// An array (any contiguous storage) is read twice: once to count each area code's numbers,
    /// so that every area code's buffer is allocated once at its exact size; the build then holds
    /// the input, 4 bytes a number while sorting, and the finished list. Other sequences are read
    /// once, as `Builder` does.
    @inlinable
    public static func build(_ numbers: some Sequence<UInt64>) -> DoNotCallList {
        var builder = Builder()
        let read: Void? = numbers.withContiguousStorageIfAvailable { builder.reserveCapacityAndInsert($0) }
        if read == nil {
            for number in numbers { builder.insert(number) }
        }
        return builder.build()
    }

    /// Builds a list from numbers that arrive a few at a time (a file, a database cursor). It holds
    /// them as 4-byte subscriber numbers per area code, and an area code's as a bitset as soon as
    /// it has more than `bitsetThreshold` of them, so a build takes at most about twice 4 bytes a
    /// number (array growth) and 1 MB for a dense area code.
    public struct Builder: Sendable {
        /// Subscriber numbers of each area code that is not yet a bitset: unsorted, duplicates possible.
        private var pending: [[UInt32]]
        /// Each dense area code's bitset; empty for the others.
        private var dense: [[UInt64]]
        /// `pending[slot].count` and `!dense[slot].isEmpty`, kept apart: a debug build copies an
        /// inner array to read its count, and this loop runs once a number.
        private var pendingCounts: [Int]
        private var isDense: [Bool]
        /// Numbers skipped because they are not valid NANP numbers.
        public private(set) var skipped = 0

        public init() {
            self.pending = [[UInt32]](repeating: [], count: DoNotCallList.slotCount)
            self.dense = [[UInt64]](repeating: [], count: DoNotCallList.slotCount)
            self.pendingCounts = [Int](repeating: 0, count: DoNotCallList.slotCount)
            self.isDense = [Bool](repeating: false, count: DoNotCallList.slotCount)
        }

        /// Adds one number; an invalid one is counted in `skipped` and otherwise ignored.
        public mutating func insert(_ number: UInt64) {
            guard let split = DoNotCallList.split(number) else {
                self.skipped += 1
                return
            }
            self.insert(slot: split.slot, subscriber: split.subscriber)
        }

        /// Adds an area code's subscriber numbers (the last 7 digits, as `subscribers(areaCode:)`
        /// gives them), in any order; invalid ones (an area code or exchange outside 200–999) are
        /// counted in `skipped`.
        @inlinable
        public mutating func insert(areaCode: Int, subscribers: some Sequence<UInt32>) {
            for subscriber in subscribers { self.insert(areaCode: areaCode, subscriber: subscriber) }
        }

        @usableFromInline
        mutating func insert(areaCode: Int, subscriber: UInt32) {
            let slot = areaCode &- DoNotCallList.lowestAreaCode
            guard slot >= 0, slot < DoNotCallList.slotCount, subscriber >= DoNotCallList.lowestSubscriber, subscriber < 10_000_000 else {
                self.skipped += 1
                return
            }
            self.insert(slot: slot, subscriber: subscriber)
        }

        /// Adds numbers, in any order, duplicates allowed; invalid ones are counted in `skipped`.
        @inlinable
        public mutating func insert(contentsOf numbers: some Sequence<UInt64>) {
            let read: Void? = numbers.withContiguousStorageIfAvailable { self.insert(buffer: $0) }
            if read == nil {
                for number in numbers { self.insert(number) }
            }
        }

        @usableFromInline
        mutating func insert(buffer numbers: UnsafeBufferPointer<UInt64>) {
            var index = 0
            while index < numbers.count {
                if let split = DoNotCallList.split(numbers[index]) {
                    self.insert(slot: split.slot, subscriber: split.subscriber)
                } else {
                    self.skipped += 1
                }
                index &+= 1
            }
        }

        /// Reserves each area code's array for these numbers (their count per area code, capped
        /// at `bitsetThreshold`), so that none grows by doubling, and adds them. Only for a builder
        /// still empty: reserving batch after batch would copy every array at every batch.
        @usableFromInline
        mutating func reserveCapacityAndInsert(_ numbers: UnsafeBufferPointer<UInt64>) {
            var counts = [Int](repeating: 0, count: DoNotCallList.slotCount)
            var index = 0
            while index < numbers.count {
                if let split = DoNotCallList.split(numbers[index]) { counts[split.slot] &+= 1 }
                index &+= 1
            }
            for slot in 0..<DoNotCallList.slotCount where counts[slot] > 0 && self.pendingCounts[slot] == 0 && !self.isDense[slot] {
                self.pending[slot].reserveCapacity(min(counts[slot], DoNotCallList.bitsetThreshold + 1))
            }
            self.insert(buffer: numbers)
        }

        @inline(__always)
        private mutating func insert(slot: Int, subscriber: UInt32) {
            if self.isDense[slot] {
                DoNotCallList.setBit(in: &self.dense[slot], subscriber: subscriber)
                return
            }
            self.pending[slot].append(subscriber)
            self.pendingCounts[slot] &+= 1
            if self.pendingCounts[slot] > DoNotCallList.bitsetThreshold { self.densify(slot) }
        }

        /// Moves an area code's pending numbers into a new bitset.
        private mutating func densify(_ slot: Int) {
            var words = [UInt64](repeating: 0, count: DoNotCallList.bitsetWordCount)
            for subscriber in self.pending[slot] { DoNotCallList.setBit(in: &words, subscriber: subscriber) }
            self.pending[slot] = []
            self.pendingCounts[slot] = 0
            self.dense[slot] = words
            self.isDense[slot] = true
        }

        /// The finished list; leaves the builder empty. Sorts one area code at a time, in place.
        public mutating func build() -> DoNotCallList {
            var areas = [Area](repeating: .empty, count: DoNotCallList.slotCount)
            var total = 0
            for slot in 0..<DoNotCallList.slotCount {
                let area: Area
                if self.isDense[slot] {
                    area = DoNotCallList.area(bitset: self.dense[slot])
                    self.dense[slot] = []
                    self.isDense[slot] = false
                } else if self.pendingCounts[slot] > 0 {
                    var subscribers = self.pending[slot]
                    self.pending[slot] = []
                    self.pendingCounts[slot] = 0
                    DoNotCallList.sortAndRemoveDuplicates(&subscribers)
                    area = DoNotCallList.area(sorted: subscribers)
                } else {
                    continue
                }
                total += area.count
                areas[slot] = area
            }
            return DoNotCallList(areas: areas, count: total)
        }
    }

    // MARK: Changes

    /// This list with `deletions` removed, then `additions` added: a number in both stays on the
    /// list (the safe side for a Do-Not-Call list). Deleting a number that is not on the list, or
    /// adding one that is, changes nothing, so applying the same changes twice gives the same list.
    /// Invalid numbers are skipped. Only the area codes the changes touch are rebuilt; the others
    /// share their storage with this list.
    @inlinable
    public func applying(additions: some Sequence<UInt64>, deletions: some Sequence<UInt64>) -> DoNotCallList {
        var changes = DoNotCallChanges()
        changes.add(contentsOf: additions)
        changes.delete(contentsOf: deletions)
        return self.applying(changes)
    }

    /// This list with the changes' deletions removed, then their additions added (see
    /// `applying(additions:deletions:)`).
    public func applying(_ changes: consuming DoNotCallChanges) -> DoNotCallList {
        var areas = self.areas
        var total = self.count
        for slot in 0..<Self.slotCount where !changes.added[slot].isEmpty || !changes.deleted[slot].isEmpty {
            var additions = changes.added[slot]
            var deletions = changes.deleted[slot]
            changes.added[slot] = []
            changes.deleted[slot] = []
            let old = areas[slot]
            let new = Self.merged(old, additions: &additions, deletions: &deletions)
            total += new.count - old.count
            areas[slot] = new
        }
        return DoNotCallList(areas: areas, count: total)
    }

    /// One area code after its changes.
    private static func merged(_ area: Area, additions: inout [UInt32], deletions: inout [UInt32]) -> Area {
        if case .bitset(var words, var count) = area {
            // Copies the shared megabyte once, on the first change; the old list keeps its own.
            for subscriber in deletions {
                if Self.clearBit(in: &words, subscriber: subscriber) { count -= 1 }
            }
            for subscriber in additions {
                if Self.setBit(in: &words, subscriber: subscriber) { count += 1 }
            }
            return Self.area(bitset: words, count: count)
        }
        Self.sortAndRemoveDuplicates(&additions)
        Self.sortAndRemoveDuplicates(&deletions)
        let old = Self.subscribers(of: area)
        if old.isEmpty { return Self.area(sorted: additions) }
        return Self.area(sorted: Self.merge(old, adding: additions, deleting: deletions))
    }

    /// (old − deletions) ∪ additions, all three sorted and duplicate-free, in one ascending pass.
    private static func merge(_ old: [UInt32], adding additions: [UInt32], deleting deletions: [UInt32]) -> [UInt32] {
        [UInt32](unsafeUninitializedCapacity: old.count + additions.count) { result, initialized in
            old.withUnsafeBufferPointer { old in
                additions.withUnsafeBufferPointer { additions in
                    deletions.withUnsafeBufferPointer { deletions in
                        var written = 0
                        var oldIndex = 0
                        var addIndex = 0
                        var deleteIndex = 0
                        /// Keeps an old number unless it is deleted (deletions are walked once, ascending).
                        func keepOld(_ value: UInt32) {
                            while deleteIndex < deletions.count, deletions[deleteIndex] < value { deleteIndex += 1 }
                            if deleteIndex < deletions.count, deletions[deleteIndex] == value { return }
                            result.initializeElement(at: written, to: value)
                            written += 1
                        }
                        while oldIndex < old.count, addIndex < additions.count {
                            let fromOld = old[oldIndex]
                            let fromAdd = additions[addIndex]
                            if fromAdd <= fromOld {
                                result.initializeElement(at: written, to: fromAdd)
                                written += 1
                                addIndex += 1
                                if fromAdd == fromOld { oldIndex += 1 }
                            } else {
                                keepOld(fromOld)
                                oldIndex += 1
                            }
                        }
                        while oldIndex < old.count {
                            keepOld(old[oldIndex])
                            oldIndex += 1
                        }
                        while addIndex < additions.count {
                            result.initializeElement(at: written, to: additions[addIndex])
                            written += 1
                            addIndex += 1
                        }
                        initialized = written
                    }
                }
            }
        }
    }

    // MARK: Representation

    /// A number's area code slot (`areaCode - 200`) and subscriber number. (A struct rather than a
    /// tuple: a debug build looks an optional tuple's type up at run time on every call.)
    struct Split {
        var slot: Int
        var subscriber: UInt32
    }

    /// The number's slot and subscriber number, or nil for an invalid number.
    @inline(__always)
    static func split(_ number: UInt64) -> Split? {
        guard number < 10_000_000_000 else { return nil }
        let areaCode = number / 10_000_000
        let subscriber = number &- areaCode &* 10_000_000
        guard areaCode >= 200, subscriber >= 2_000_000 else { return nil }
        return Split(slot: Int(truncatingIfNeeded: areaCode) &- Self.lowestAreaCode, subscriber: UInt32(truncatingIfNeeded: subscriber))
    }

    /// Sets the subscriber's bit; true when it was clear.
    @inline(__always) @discardableResult
    static func setBit(in words: inout [UInt64], subscriber: UInt32) -> Bool {
        let bit = Int(subscriber) &- Self.lowestSubscriber
        let mask: UInt64 = 1 &<< UInt64(bit & 63)
        let old = words[bit &>> 6]
        words[bit &>> 6] = old | mask
        return old & mask == 0
    }

    /// Clears the subscriber's bit; true when it was set.
    @inline(__always)
    static func clearBit(in words: inout [UInt64], subscriber: UInt32) -> Bool {
        let bit = Int(subscriber) &- Self.lowestSubscriber
        let mask: UInt64 = 1 &<< UInt64(bit & 63)
        let old = words[bit &>> 6]
        words[bit &>> 6] = old & ~mask
        return old & mask != 0
    }

    /// The smallest form for these subscriber numbers, sorted and duplicate-free.
    static func area(sorted subscribers: [UInt32]) -> Area {
        let count = subscribers.count
        if count == 0 { return .empty }
        if count < Self.exchangeIndexMinimum { return .sorted(Self.trimmed(subscribers)) }
        if count > Self.bitsetThreshold {
            var words = [UInt64](repeating: 0, count: Self.bitsetWordCount)
            for subscriber in subscribers { Self.setBit(in: &words, subscriber: subscriber) }
            return .bitset(words, count: count)
        }
        var offsets = [UInt32](repeating: 0, count: Self.exchangeCount + 1)
        let lines = [UInt16](unsafeUninitializedCapacity: count) { lines, initialized in
            offsets.withUnsafeMutableBufferPointer { offsets in
                subscribers.withUnsafeBufferPointer { subscribers in
                    var index = 0
                    while index < count {
                        let offset = Int(subscribers[index]) &- Self.lowestSubscriber
                        let exchange = offset / Self.linesPerExchange
                        offsets[exchange &+ 1] &+= 1
                        lines.initializeElement(at: index, to: UInt16(truncatingIfNeeded: offset &- exchange &* Self.linesPerExchange))
                        index &+= 1
                    }
                }
                var exchange = 0
                while exchange < Self.exchangeCount {
                    offsets[exchange &+ 1] &+= offsets[exchange]
                    exchange &+= 1
                }
            }
            initialized = count
        }
        return .indexed(offsets: offsets, lines: lines)
    }

    /// A bitset in its smallest form: itself, or the smaller forms of its numbers.
    static func area(bitset words: [UInt64], count: Int? = nil) -> Area {
        let count = count ?? words.reduce(0) { $0 + $1.nonzeroBitCount }
        if count > Self.bitsetThreshold { return .bitset(words, count: count) }
        return Self.area(sorted: Self.subscribers(of: .bitset(words, count: count)))
    }

    /// An area code's subscriber numbers, ascending.
    static func subscribers(of area: Area) -> [UInt32] {
        switch area {
        case .empty:
            return []
        case .sorted(let subscribers):
            return subscribers
        case .indexed(let offsets, let lines):
            return [UInt32](unsafeUninitializedCapacity: lines.count) { subscribers, initialized in
                offsets.withUnsafeBufferPointer { offsets in
                    lines.withUnsafeBufferPointer { lines in
                        var exchange = 0
                        var index = 0
                        while exchange < Self.exchangeCount {
                            let first = UInt32(truncatingIfNeeded: Self.lowestSubscriber &+ exchange &* Self.linesPerExchange)
                            let end = Int(offsets[exchange &+ 1])
                            while index < end {
                                subscribers.initializeElement(at: index, to: first &+ UInt32(lines[index]))
                                index &+= 1
                            }
                            exchange &+= 1
                        }
                    }
                }
                initialized = lines.count
            }
        case .bitset(let words, let count):
            return [UInt32](unsafeUninitializedCapacity: count) { subscribers, initialized in
                words.withUnsafeBufferPointer { words in
                    var written = 0
                    var index = 0
                    while index < words.count {
                        var remaining = words[index]
                        while remaining != 0 {
                            let subscriber = Self.lowestSubscriber &+ index &* 64 &+ remaining.trailingZeroBitCount
                            subscribers.initializeElement(at: written, to: UInt32(truncatingIfNeeded: subscriber))
                            written &+= 1
                            remaining &= remaining &- 1
                        }
                        index &+= 1
                    }
                    precondition(written == count, "a bitset's count is its bits")
                }
                initialized = count
            }
        }
    }

    /// Sorts subscriber numbers and drops repeats, in place. Large arrays are sorted by radix (two
    /// passes of 12 bits: subscriber numbers are below 2^24), several times faster than `sort()`.
    static func sortAndRemoveDuplicates(_ values: inout [UInt32]) {
        if values.count < 1_024 {
            values.sort()
        } else {
            Self.radixSort(&values)
        }
        Self.removeAdjacentDuplicates(&values)
    }

    static func radixSort(_ values: inout [UInt32]) {
        let count = values.count
        var scratch = [UInt32](unsafeUninitializedCapacity: count) { buffer, initialized in
            buffer.initialize(repeating: 0)
            initialized = count
        }
        values.withUnsafeMutableBufferPointer { values in
            scratch.withUnsafeMutableBufferPointer { scratch in
                withUnsafeTemporaryAllocation(of: Int.self, capacity: 4_096) { counts in
                    Self.radixPass(from: values, to: scratch, shift: 0, counts: counts)
                    Self.radixPass(from: scratch, to: values, shift: 12, counts: counts)
                }
            }
        }
    }

    /// A stable counting sort on 12 bits of `source`, from bit `shift`, into `destination`.
    private static func radixPass(
        from source: UnsafeMutableBufferPointer<UInt32>, to destination: UnsafeMutableBufferPointer<UInt32>, shift: UInt32,
        counts: UnsafeMutableBufferPointer<Int>
    ) {
        // Index loops rather than `for in`: a debug build runs them several times faster.
        counts.initialize(repeating: 0)
        var index = 0
        while index < source.count {
            counts[Int(truncatingIfNeeded: (source[index] &>> shift) & 0xFFF)] &+= 1
            index &+= 1
        }
        var offset = 0
        var digit = 0
        while digit < 4_096 {
            let digitCount = counts[digit]
            counts[digit] = offset
            offset &+= digitCount
            digit &+= 1
        }
        index = 0
        while index < source.count {
            let value = source[index]
            let digit = Int(truncatingIfNeeded: (value &>> shift) & 0xFFF)
            destination[counts[digit]] = value
            counts[digit] &+= 1
            index &+= 1
        }
    }

    /// Removes repeats from a sorted array, in place.
    static func removeAdjacentDuplicates(_ values: inout [UInt32]) {
        guard values.count > 1 else { return }
        let kept = values.withUnsafeMutableBufferPointer { buffer -> Int in
            var write = 1
            for read in 1..<buffer.count where buffer[read] != buffer[write &- 1] {
                buffer[write] = buffer[read]
                write &+= 1
            }
            return write
        }
        values.removeLast(values.count - kept)
    }

    /// The array itself, or an exact-size copy when more than 1/16 of its capacity is unused
    /// (array growth by doubling, or duplicates removed).
    static func trimmed(_ values: [UInt32]) -> [UInt32] {
        guard values.capacity - values.count > values.count / 16 else { return values }
        return [UInt32](unsafeUninitializedCapacity: values.count) { buffer, initialized in
            _ = buffer.initialize(from: values)
            initialized = values.count
        }
    }
}

/// Numbers to add to a Do-Not-Call list and numbers to take off it, grouped by area code, 4 bytes
/// a number, for `DoNotCallList.applying(_:)`: a change list read a batch at a time.
public struct DoNotCallChanges: Sendable {
    /// Subscriber numbers to add, per area code slot; unsorted, duplicates possible.
    var added: [[UInt32]]
    /// Subscriber numbers to delete, per area code slot; unsorted, duplicates possible.
    var deleted: [[UInt32]]
    /// Valid numbers given to `add` (duplicates included).
    public private(set) var additionCount = 0
    /// Valid numbers given to `delete` (duplicates included).
    public private(set) var deletionCount = 0
    /// Numbers skipped because they are not valid NANP numbers.
    public private(set) var skipped = 0

    public init() {
        self.added = [[UInt32]](repeating: [], count: DoNotCallList.slotCount)
        self.deleted = [[UInt32]](repeating: [], count: DoNotCallList.slotCount)
    }

    public var isEmpty: Bool { self.additionCount == 0 && self.deletionCount == 0 }

    public mutating func add(_ number: UInt64) {
        guard let split = DoNotCallList.split(number) else {
            self.skipped += 1
            return
        }
        self.added[split.slot].append(split.subscriber)
        self.additionCount += 1
    }

    public mutating func delete(_ number: UInt64) {
        guard let split = DoNotCallList.split(number) else {
            self.skipped += 1
            return
        }
        self.deleted[split.slot].append(split.subscriber)
        self.deletionCount += 1
    }

    @inlinable
    public mutating func add(contentsOf numbers: some Sequence<UInt64>) {
        let read: Void? = numbers.withContiguousStorageIfAvailable { buffer in
            for number in buffer { self.add(number) }
        }
        if read == nil {
            for number in numbers { self.add(number) }
        }
    }

    @inlinable
    public mutating func delete(contentsOf numbers: some Sequence<UInt64>) {
        let read: Void? = numbers.withContiguousStorageIfAvailable { buffer in
            for number in buffer { self.delete(number) }
        }
        if read == nil {
            for number in numbers { self.delete(number) }
        }
    }
}
