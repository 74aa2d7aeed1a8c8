import LeadEngine
import Testing

/// The compact Do-Not-Call list (sorted arrays, exchange indexes, bitsets per area code, checked
/// against a `Set` oracle) and the streaming reader of FTC list files.
/// Serialized: these tests are seconds of synchronous work each in a debug build, and run side by
/// side they would hold every cooperative thread the timing tests of other suites need.
@Suite("Do-Not-Call list", .serialized)
struct DoNotCallListTests {
    /// SplitMix64: fast, seeded, the same numbers on every run.
    struct SplitMix64: RandomNumberGenerator {
        var state: UInt64

        mutating func next() -> UInt64 {
            self.state &+= 0x9E37_79B9_7F4A_7C15
            var z = self.state
            z = (z ^ (z &>> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z &>> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z &>> 31)
        }

        /// A valid number (exchange 200–999) in one of `areaCodes`.
        mutating func number(in areaCodes: [UInt64]) -> UInt64 {
            let random = self.next()
            let areaCode = areaCodes[Int((random &>> 40) % UInt64(areaCodes.count))]
            return areaCode * 10_000_000 + 2_000_000 + (random & 0xFF_FFFF_FFFF) % 8_000_000
        }
    }

    /// Every number of the list, ascending.
    static func numbers(of list: DoNotCallList) -> [UInt64] {
        var numbers: [UInt64] = []
        numbers.reserveCapacity(list.count)
        list.forEach { numbers.append($0) }
        return numbers
    }

    /// The list holds exactly the oracle's numbers (the same count of distinct numbers, every one
    /// of the oracle's found), and random probes of `areaCodes` agree through both look-ups.
    static func expectSame(_ list: DoNotCallList, as oracle: Set<UInt64>, probing areaCodes: [UInt64], generator: inout SplitMix64) {
        #expect(list.count == oracle.count)
        var missing = 0
        for number in oracle where !list.contains(number) { missing += 1 }
        #expect(missing == 0)
        var disagreements = 0
        for _ in 0..<20_000 {
            let number = generator.number(in: areaCodes)
            let expected = oracle.contains(number)
            if list.contains(number) != expected { disagreements += 1 }
            if list.contains(areaCode: Int(number / 10_000_000), subscriber: Int(number % 10_000_000)) != expected { disagreements += 1 }
        }
        #expect(disagreements == 0)
    }

    // MARK: The list

    @Test("hits and misses, by number, by area code and subscriber, and by E.164")
    func hitsAndMisses() {
        let list = DoNotCallList.build([7_025_551_234, 2_125_550_000, 9_999_999_999, 2_002_000_000])
        #expect(list.count == 4)
        #expect(list.contains(7_025_551_234))
        #expect(list.contains(2_125_550_000))
        #expect(list.contains(9_999_999_999))
        #expect(list.contains(2_002_000_000))
        #expect(!list.contains(7_025_551_235))
        #expect(!list.contains(7_035_551_234))
        #expect(!list.contains(2_125_550_001))
        #expect(list.contains(areaCode: 702, subscriber: 5_551_234))
        #expect(!list.contains(areaCode: 702, subscriber: 5_551_233))
        #expect(list.contains(e164: "+17025551234"))
        #expect(!list.contains(e164: "+17025551235"))
        // Only exact E.164 is read; other spellings are the caller's to normalise.
        for text in ["7025551234", "17025551234", "+1702555123", "+170255512345", "+27025551234", "+1702555123x", "", "+1 702 555 1234"] {
            #expect(!list.contains(e164: text), "\(text)")
        }
        #expect(DoNotCallList.number(fromE164: "+17025551234") == 7_025_551_234)
        #expect(DoNotCallList.number(fromE164: "+11025551234") == nil)
        #expect(DoNotCallList.number(fromE164: "+17021551234") == nil)
        // Out-of-range questions answer false rather than trap.
        #expect(!list.contains(areaCode: -1, subscriber: 5_551_234))
        #expect(!list.contains(areaCode: 1_702, subscriber: 5_551_234))
        #expect(!list.contains(areaCode: 702, subscriber: 15_551_234))
        #expect(!list.contains(UInt64.max))
        #expect(DoNotCallList.empty.count == 0)
        #expect(DoNotCallList.empty.isEmpty)
        #expect(!DoNotCallList.empty.contains(7_025_551_234))
    }

    @Test("duplicates count once; invalid NANP numbers are skipped")
    func duplicatesAndInvalidNumbers() {
        let list = DoNotCallList.build([7_025_551_234, 7_025_551_234, 2_125_550_000, 7_025_551_234, 2_125_550_000])
        #expect(list.count == 2)
        #expect(Self.numbers(of: list) == [2_125_550_000, 7_025_551_234])
        #expect(list == DoNotCallList.build([2_125_550_000, 7_025_551_234]))

        // Area code or exchange starting with 0 or 1, or not 10 digits.
        let invalid: [UInt64] = [0, 1_025_551_234, 1_995_551_234, 7_021_551_234, 7_020_551_234, 10_000_000_000, 17_025_551_234, UInt64.max]
        for number in invalid { #expect(!DoNotCallList.isValid(number), "\(number)") }
        #expect(DoNotCallList.isValid(2_002_000_000))
        #expect(DoNotCallList.isValid(9_999_999_999))
        #expect(DoNotCallList.build(invalid).count == 0)
        #expect(DoNotCallList.build(invalid + [7_025_551_234]).count == 1)

        var builder = DoNotCallList.Builder()
        builder.insert(contentsOf: invalid)
        builder.insert(7_025_551_234)
        #expect(builder.skipped == invalid.count)
        #expect(builder.build() == DoNotCallList.build([7_025_551_234]))
    }

    @Test("every representation agrees with a Set: sorted array, exchange index, bitset over the threshold")
    func representationsAgreeWithOracle() async {
        await onHeavyWorkThread {
            var generator = SplitMix64(state: 1)
            let sparse: UInt64 = 201  // a few hundred numbers: a sorted array
            let middle: [UInt64] = [212, 702, 999]  // tens of thousands: exchange indexes
            let dense: UInt64 = 415  // forced over the bitset threshold
            var input: [UInt64] = []
            for _ in 0..<300 { input.append(generator.number(in: [sparse])) }
            for _ in 0..<60_000 { input.append(generator.number(in: middle)) }
            // 8,000,000 possible subscriber numbers: 560,000 random ones are about 541,000 distinct.
            for _ in 0..<560_000 { input.append(generator.number(in: [dense])) }
            input.append(2_002_000_000)  // the first valid number and the last
            input.append(9_999_999_999)
            let oracle = Set(input)

            let list = DoNotCallList.build(input)
            #expect(list.representation(areaCode: Int(sparse)) == .sortedArray)
            for code in middle { #expect(list.representation(areaCode: Int(code)) == .exchangeIndex) }
            #expect(list.count(areaCode: Int(dense)) > DoNotCallList.bitsetThreshold)
            #expect(list.representation(areaCode: Int(dense)) == .bitset)
            #expect(list.representation(areaCode: 203) == .empty)
            #expect(list.representation(areaCode: 200) == .sortedArray)
            Self.expectSame(list, as: oracle, probing: [sparse, dense, 203, 200] + middle, generator: &generator)
            #expect(Self.numbers(of: list) == oracle.sorted())

            // The streaming builder, fed in batches, and a non-contiguous sequence agree.
            var builder = DoNotCallList.Builder()
            for start in stride(from: 0, to: input.count, by: 100_000) { builder.insert(contentsOf: input[start..<min(start + 100_000, input.count)]) }
            #expect(builder.build() == list)
            #expect(DoNotCallList.build(input.reversed().lazy.map { $0 }) == list)

            // Written out and read back an area code at a time, as the store keeps it.
            #expect(list.areaCodes == [200, 201, 212, 415, 702, 999])
            var reloaded = DoNotCallList.Builder()
            for areaCode in list.areaCodes {
                let subscribers = list.subscribers(areaCode: areaCode)
                #expect(subscribers.count == list.count(areaCode: areaCode))
                #expect(zip(subscribers, subscribers.dropFirst()).allSatisfy { $0 < $1 })
                reloaded.insert(areaCode: areaCode, subscribers: subscribers)
            }
            reloaded.insert(areaCode: 702, subscribers: [1_999_999, 10_000_000])  // exchange 199; 8 digits
            reloaded.insert(areaCode: 199, subscribers: [5_551_234])
            #expect(reloaded.skipped == 3)
            #expect(reloaded.build() == list)
            #expect(list.subscribers(areaCode: 203).isEmpty)
            #expect(list.subscribers(areaCode: 1_000).isEmpty)
        }
    }

    @Test("memory: 4 bytes a number in a sparse area code, about 2 in a populous one, 1 MB for a dense one")
    func memoryPerRepresentation() {
        var generator = SplitMix64(state: 2)
        let small = DoNotCallList.build((0..<1_000).map { _ in generator.number(in: [702]) })
        #expect(small.representation(areaCode: 702) == .sortedArray)
        let tableBytes = DoNotCallList.empty.memoryBytes
        #expect(small.memoryBytes - tableBytes <= 4 * small.count + 64)

        let populous = DoNotCallList.build((0..<100_000).map { _ in generator.number(in: [702]) })
        #expect(populous.representation(areaCode: 702) == .exchangeIndex)
        #expect(populous.memoryBytes - tableBytes <= 2 * populous.count + 3_204 + 64)
    }

    // MARK: Changes

    @Test("applying additions and deletions; absent deletions and present additions change nothing")
    func applyingChanges() {
        let list = DoNotCallList.build([7_025_551_234, 7_025_551_235, 2_125_550_000])
        let changed = list.applying(additions: [3_055_550_100, 7_025_551_236], deletions: [7_025_551_235])
        #expect(Self.numbers(of: changed) == [2_125_550_000, 3_055_550_100, 7_025_551_234, 7_025_551_236])
        #expect(changed.count == 4)
        // The original is a value: unchanged.
        #expect(Self.numbers(of: list) == [2_125_550_000, 7_025_551_234, 7_025_551_235])

        // Deleting numbers that are not there, even in empty area codes, and adding ones that are.
        let same = list.applying(additions: [7_025_551_234], deletions: [7_025_551_239, 4_155_550_000, 1_234_567_890])
        #expect(same == list)
        #expect(list.applying(additions: [UInt64](), deletions: [UInt64]()) == list)

        // A number both added and deleted in one batch stays on the list.
        let both = list.applying(additions: [7_025_551_235, 8_005_550_000], deletions: [7_025_551_235, 8_005_550_000])
        #expect(both.contains(7_025_551_235))
        #expect(both.contains(8_005_550_000))

        // Applying the same changes again gives the same list: imports are idempotent.
        #expect(changed.applying(additions: [3_055_550_100, 7_025_551_236], deletions: [7_025_551_235]) == changed)

        // Deleting everything leaves an empty list.
        let emptied = changed.applying(additions: [UInt64](), deletions: Self.numbers(of: changed))
        #expect(emptied.count == 0)
        #expect(emptied == DoNotCallList.empty)

        var changes = DoNotCallChanges()
        changes.add(3_055_550_100)
        changes.delete(7_025_551_235)
        changes.add(1)
        #expect(changes.additionCount == 1)
        #expect(changes.deletionCount == 1)
        #expect(changes.skipped == 1)
        #expect(list.applying(changes) == changed.applying(additions: [UInt64](), deletions: [7_025_551_236]))
    }

    @Test("random changes over every representation, crossing the thresholds both ways, match a Set")
    func randomChangesMatchOracle() async {
        await onHeavyWorkThread {
            var generator = SplitMix64(state: 3)
            let areaCodes: [UInt64] = [201, 212, 415, 702]
            var oracle = Set<UInt64>()
            for _ in 0..<500 { oracle.insert(generator.number(in: [201])) }
            for _ in 0..<40_000 { oracle.insert(generator.number(in: [212, 702])) }
            for _ in 0..<560_000 { oracle.insert(generator.number(in: [415])) }
            var list = DoNotCallList.build(Array(oracle))
            #expect(list.representation(areaCode: 415) == .bitset)

            func apply(additions: [UInt64], deletions: [UInt64]) {
                list = list.applying(additions: additions, deletions: deletions)
                for number in deletions { oracle.remove(number) }
                for number in additions { oracle.insert(number) }
            }

            // The bitset falls under the threshold: an exchange index.
            let dense = oracle.filter { $0 / 10_000_000 == 415 }
            apply(additions: [], deletions: Array(dense.prefix(200_000)))
            #expect(list.representation(areaCode: 415) == .exchangeIndex)
            Self.expectSame(list, as: oracle, probing: areaCodes, generator: &generator)

            // The exchange index grows past it again: a bitset.
            apply(additions: (0..<250_000).map { _ in generator.number(in: [415]) }, deletions: [])
            #expect(list.representation(areaCode: 415) == .bitset)

            // A sorted array grows into an exchange index, and an index shrinks into a sorted array.
            apply(additions: (0..<3_000).map { _ in generator.number(in: [201]) }, deletions: [])
            #expect(list.representation(areaCode: 201) == .exchangeIndex)
            let middle = oracle.filter { $0 / 10_000_000 == 212 }
            apply(additions: [], deletions: Array(middle.dropFirst(100)))
            #expect(list.representation(areaCode: 212) == .sortedArray)
            Self.expectSame(list, as: oracle, probing: areaCodes, generator: &generator)

            // Mixed rounds: present and absent deletions, new and repeated additions.
            for _ in 0..<3 {
                let members = Array(oracle)
                var deletions = (0..<5_000).map { _ in members[Int(generator.next() % UInt64(members.count))] }
                deletions += (0..<1_000).map { _ in generator.number(in: areaCodes + [203]) }
                var additions = (0..<5_000).map { _ in generator.number(in: areaCodes + [203]) }
                additions += deletions.prefix(10)  // in both: added
                list = list.applying(additions: additions, deletions: deletions)
                for number in deletions { oracle.remove(number) }
                for number in additions { oracle.insert(number) }
                Self.expectSame(list, as: oracle, probing: areaCodes + [203], generator: &generator)
            }
            // A list built from scratch from the same numbers is equal, representation and all.
            #expect(DoNotCallList.build(Array(oracle)) == list)
        }
    }

    // MARK: Scale

    /// 10 million uniform random numbers over every area code. In a release build the build takes
    /// about 0.25 s and a look-up about 120 ns (see the DoNotCall benchmarks); here, in a debug
    /// build, this test takes a few seconds.
    @Test("10 million random numbers: built, looked up, and within 64 MB")
    func tenMillionNumbers() async {
        await onHeavyWorkThread {
            let count = 10_000_000
            var generator = SplitMix64(state: 10)
            let areaCodes = (200...999).map(UInt64.init)
            var numbers = [UInt64](repeating: 0, count: count)
            numbers.withUnsafeMutableBufferPointer { buffer in
                for index in buffer.indices { buffer[index] = generator.number(in: areaCodes) }
            }
            let list = DoNotCallList.build(numbers)
            // About 7,800 of 10 million uniform draws repeat (birthday bound over 6.4 billion possible numbers).
            #expect(list.count > count - 10_000 && list.count <= count)
            #expect(list.memoryBytes <= 64 * 1_024 * 1_024)
            #expect(list.memoryBytes <= 3 * list.count)

            var misses = 0
            for _ in 0..<10_000 where !list.contains(numbers[Int(generator.next() % UInt64(count))]) { misses += 1 }
            #expect(misses == 0)
            // 10 million of 6.4 billion possible numbers: a random one is on the list 0.16 % of the time.
            var hits = 0
            for _ in 0..<10_000 where list.contains(generator.number(in: areaCodes)) { hits += 1 }
            #expect(hits < 100)
        }
    }

    // MARK: Files

    static let sampleFile = """
        7025551234\r
        \r
        702,5551235
          212 , 5550000\t
        12345
        1025551234
        7021551234
        702555123a
        7025551234,A

        2125550001
        """

    @Test("both FTC line forms, CRLF, blanks, spaces; invalid lines counted with their numbers")
    func parsesFullList() {
        let parser = DoNotCallFileParser.parse(Array(Self.sampleFile.utf8))
        #expect(parser.additions == [7_025_551_234, 7_025_551_235, 2_125_550_000, 2_125_550_001])
        #expect(parser.deletions.isEmpty)
        let report = parser.report
        #expect(report.lines == 11)
        #expect(report.blankLines == 2)
        #expect(report.additions == 4)
        #expect(report.accepted == 4)
        #expect(report.invalid == 5)
        #expect(report.firstInvalidLines == [5, 6, 7, 8, 9])
        #expect(report.bytes == Self.sampleFile.utf8.count)
    }

    @Test("chunk boundaries anywhere, mid-line and mid-CRLF included, give the same result", arguments: [1, 2, 7, 64, Int.max])
    func chunkBoundaries(chunkSize: Int) {
        let bytes = Array(Self.sampleFile.utf8)
        let whole = DoNotCallFileParser.parse(bytes)
        var parser = DoNotCallFileParser()
        var start = 0
        while start < bytes.count {
            let end = start + min(chunkSize, bytes.count - start)
            parser.consume(Array(bytes[start..<end]))
            start = end
        }
        parser.finish()
        #expect(parser.report == whole.report)
        #expect(parser.additions == whole.additions)
    }

    @Test("change lists: A/D before or after the number, in either form and case; deletions-only files")
    func parsesChanges() {
        let text = "A,7025551234\nd,702,5551235\n2125550000,a\n212,5550001,D\r\n 3055550100 , A \n7025551236\nX,7025551234\nA,D\nA,7025551234,D\n"
        let parser = DoNotCallFileParser.parse(Array(text.utf8), mode: .changes)
        #expect(parser.additions == [7_025_551_234, 2_125_550_000, 3_055_550_100])
        #expect(parser.deletions == [7_025_551_235, 2_125_550_001])
        #expect(parser.report.additions == 3)
        #expect(parser.report.deletions == 2)
        #expect(parser.report.accepted == 5)
        #expect(parser.report.firstInvalidLines == [6, 7, 8, 9])

        let deletions = DoNotCallFileParser.parse(Array("7025551234\n212,5550000\nA,3055550100\n".utf8), mode: .deletions)
        #expect(deletions.deletions == [7_025_551_234, 2_125_550_000])
        #expect(deletions.additions.isEmpty)
        #expect(deletions.report.firstInvalidLines == [3])

        // Read into a list: the change list applied to what was there.
        let list = DoNotCallList.build([7_025_551_235, 2_125_550_001, 9_995_550_000])
        let updated = list.applying(additions: parser.additions, deletions: parser.deletions)
        #expect(Self.numbers(of: updated) == [2_125_550_000, 3_055_550_100, 7_025_551_234, 9_995_550_000])
    }

    @Test("a byte-order mark, a last line without a line break, an overlong line, a bounded list of invalid lines")
    func parserEdges() {
        let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
        let withMark = DoNotCallFileParser.parse(bom + Array("7025551234\n7025551235".utf8))
        #expect(withMark.additions == [7_025_551_234, 7_025_551_235])
        #expect(withMark.report.lines == 2)
        #expect(withMark.report.invalid == 0)

        // A mark anywhere but the start is not one.
        let lateMark = DoNotCallFileParser.parse(Array("7025551234\n".utf8) + bom + Array("7025551235\n".utf8))
        #expect(lateMark.report.firstInvalidLines == [2])

        // An overlong line is invalid however it is cut, and the next line still reads.
        let long = Array(repeating: UInt8(ascii: "7"), count: 10_000) + Array("\n7025551234\n".utf8)
        var parser = DoNotCallFileParser()
        for start in stride(from: 0, to: long.count, by: 100) { parser.consume(Array(long[start..<min(start + 100, long.count)])) }
        parser.finish()
        #expect(parser.report.firstInvalidLines == [1])
        #expect(parser.additions == [7_025_551_234])

        // Only the first few invalid line numbers are kept; all are counted.
        let garbage = String(repeating: "garbage\n", count: 50)
        var bounded = DoNotCallFileParser(keptInvalidLines: 3)
        bounded.consume(Array(garbage.utf8))
        bounded.finish()
        #expect(bounded.report.invalid == 50)
        #expect(bounded.report.firstInvalidLines == [1, 2, 3])

        // An empty file, and a file of blank lines.
        #expect(DoNotCallFileParser.parse([]).report == DoNotCallFileParser.Report())
        let blanks = DoNotCallFileParser.parse(Array("\n \r\n\t\n".utf8))
        #expect(blanks.report.lines == 3)
        #expect(blanks.report.blankLines == 3)
        #expect(blanks.report.invalid == 0)
    }

    @Test("numbers are taken out in batches while the file streams")
    func takesNumbersInBatches() {
        var parser = DoNotCallFileParser(mode: .changes)
        parser.consume(Array("A,7025551234\nD,7025551235\nA,21255".utf8))
        let first = parser.takeNumbers()
        #expect(first.additions == [7_025_551_234])
        #expect(first.deletions == [7_025_551_235])
        #expect(parser.additions.isEmpty)
        parser.consume(Array("50000\n".utf8))
        parser.finish()
        #expect(parser.takeNumbers().additions == [2_125_550_000])
        #expect(parser.report.accepted == 3)
    }
}
