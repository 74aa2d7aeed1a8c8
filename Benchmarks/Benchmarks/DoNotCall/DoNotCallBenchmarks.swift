import Benchmark
import BenchmarkFixtures
import LeadEngine

/// Do-Not-Call lists at national scale: look-ups in a list of 10,000,000 numbers (hits, misses,
/// and hits by E.164 as the outreach check asks), building that list, applying a day's 100,000
/// changes, importing a 1,000,000-line FTC file, and the memory a number costs, at uniform density
/// and at the federal registry's (250 million numbers in about 350 in-service area codes).
///
/// Numbers are uniform over all 800 valid area codes (200–999) and their 800 valid exchanges,
/// from a fixed seed. Look-ups walk 1,000,000 probes in a scattered order, so they miss the CPU
/// caches as real traffic does.
let benchmarks: @Sendable () -> Void = {
    let listSize = 10_000_000

    // MARK: Look-up

    Benchmark("DoNotCallList.contains-hit-10M", configuration: SuiteConfiguration.configuration()) { benchmark, fixture in
        for _ in benchmark.scaledIterations {
            blackHole(fixture.list.contains(fixture.nextHit()))
        }
    } setup: {
        DoNotCallFixture(numberCount: listSize)
    }

    Benchmark("DoNotCallList.contains-miss-10M", configuration: SuiteConfiguration.configuration()) { benchmark, fixture in
        for _ in benchmark.scaledIterations {
            blackHole(fixture.list.contains(fixture.nextMiss()))
        }
    } setup: {
        DoNotCallFixture(numberCount: listSize)
    }

    // The outreach check's path: the lead's phone, already E.164, parsed without allocating.
    Benchmark("DoNotCallList.contains-e164-hit-10M", configuration: SuiteConfiguration.configuration()) { benchmark, fixture in
        for _ in benchmark.scaledIterations {
            blackHole(fixture.list.contains(e164: fixture.nextE164Hit()))
        }
    } setup: {
        DoNotCallFixture(numberCount: listSize, e164Probes: 100_000)
    }

    // MARK: Build, changes, import

    // Start-up rebuilds each list from the store; a full import builds a new one. One sample = one build.
    Benchmark(
        "DoNotCallList.build-10M",
        configuration: SuiteConfiguration.configuration(scalingFactor: .one, maxDuration: .seconds(10), maxIterations: 5, warmupIterations: 1)
    ) { benchmark, numbers in
        for _ in benchmark.scaledIterations {
            blackHole(DoNotCallList.build(numbers))
        }
    } setup: {
        DoNotCallFixture.uniformNumbers(count: listSize, seed: 61)
    }

    // A change list: 50,000 additions and 50,000 deletions spread over every area code, applied to
    // the 10M list (the old list stays intact and shares what the changes do not touch).
    Benchmark(
        "DoNotCallList.applying-100000-changes-to-10M",
        configuration: SuiteConfiguration.configuration(scalingFactor: .one, maxDuration: .seconds(10), maxIterations: 20, warmupIterations: 1)
    ) { benchmark, fixture in
        for _ in benchmark.scaledIterations {
            blackHole(fixture.list.applying(additions: fixture.additions, deletions: fixture.deletions))
        }
    } setup: {
        ChangesFixture(numberCount: listSize, changeCount: 100_000)
    }

    // An FTC full-list file of 1,000,000 lines (both line forms, some CRLF), read in 64 KiB chunks
    // into a builder, then built: `ezleeds dnc import` without the store. One sample = one file.
    Benchmark(
        "DoNotCallFile.import-1M-lines",
        configuration: SuiteConfiguration.configuration(scalingFactor: .one, maxDuration: .seconds(10), maxIterations: 20, warmupIterations: 1)
    ) { benchmark, file in
        for _ in benchmark.scaledIterations {
            var parser = DoNotCallFileParser(mode: .additions)
            var builder = DoNotCallList.Builder()
            file.withUnsafeBytes { bytes in
                var start = 0
                while start < bytes.count {
                    let end = min(start + 65_536, bytes.count)
                    parser.consume(UnsafeRawBufferPointer(rebasing: bytes[start..<end]))
                    builder.insert(contentsOf: parser.takeNumbers().additions)
                    start = end
                }
            }
            parser.finish()
            builder.insert(contentsOf: parser.takeNumbers().additions)
            blackHole(builder.build())
        }
    } setup: {
        DoNotCallFixture.ftcFile(lineCount: 1_000_000, seed: 62)
    }

    // MARK: Memory

    // 10M numbers spread evenly: about 12,500 an area code, held as exchange indexes. (No
    // projection here: at 250M the same spread is 312,000 an area code, still exchange indexes
    // but with less of the per-area-code table a number, about 16 bits a number, 493 MB.)
    Benchmark(
        "DoNotCallList-memory-10M-uniform",
        configuration: SuiteConfiguration.configuration(
            scalingFactor: .one, maxDuration: .seconds(30), maxIterations: 1, warmupIterations: 0,
            metrics: [.wallClock] + DoNotCallMemory.metrics, extraTolerances: DoNotCallMemory.tolerances(for: DoNotCallMemory.metrics)
        )
    ) { benchmark in
        let numbers = DoNotCallFixture.uniformNumbers(count: listSize, seed: 63)
        DoNotCallMemory.report(DoNotCallList.build(numbers), to: benchmark)
    }

    // The federal registry's density: 250M numbers in about 350 in-service area codes is about
    // 714,000 an area code, over the bitset threshold. 25M numbers in 35 area codes has that density
    // and the same form (a 1 MB bitset an area code), so its cost per number scales to 250M. (A
    // direct build of 250M numbers in 350 area codes measured 350 MB, built in about 12 s.)
    Benchmark(
        "DoNotCallList-memory-registry-density-25M-in-35-area-codes",
        configuration: SuiteConfiguration.configuration(
            scalingFactor: .one, maxDuration: .seconds(60), maxIterations: 1, warmupIterations: 0,
            metrics: [.wallClock] + DoNotCallMemory.metrics + [DoNotCallMemory.projectedMegabytes],
            extraTolerances: DoNotCallMemory.tolerances(for: DoNotCallMemory.metrics + [DoNotCallMemory.projectedMegabytes])
        )
    ) { benchmark in
        var builder = DoNotCallList.Builder()
        var generator = SeededGenerator(seed: 64)
        var areaCodes = Array(UInt64(200)...UInt64(999))
        areaCodes.shuffle(using: &generator)
        let chosen = Array(areaCodes.prefix(35))
        for _ in 0..<25_000_000 { builder.insert(DoNotCallFixture.number(in: chosen, using: &generator)) }
        DoNotCallMemory.report(builder.build(), to: benchmark, projectingTo: 250_000_000)
    }
}

/// The memory metrics: what the list's numbers take (`DoNotCallList.memoryBytes`: element
/// storage of its arrays and bitsets, deterministic for a seed).
enum DoNotCallMemory {
    /// Payload bits per number held: 32 in a sorted array, about 16 in an exchange index, 8,000,000
    /// divided by the count in a bitset.
    static let bitsPerNumber = BenchmarkMetric.custom("payloadBitsPerNumber", polarity: .prefersSmaller, useScalingFactor: false)
    /// The whole list, in megabytes (10^6 bytes).
    static let megabytes = BenchmarkMetric.custom("payloadMegabytes", polarity: .prefersSmaller, useScalingFactor: false)
    /// The same density at 250 million numbers: the cost per number times 250 million, in megabytes.
    static let projectedMegabytes = BenchmarkMetric.custom("projectedMegabytesAt250M", polarity: .prefersSmaller, useScalingFactor: false)

    static let metrics = [bitsPerNumber, megabytes]

    /// Deterministic for a seed: any change is a change of layout. (Benchmark warns of a tolerance
    /// for a metric a benchmark does not report, so each benchmark gets only its own.)
    static func tolerances(for metrics: [BenchmarkMetric]) -> [BenchmarkMetric: BenchmarkThresholds] {
        Dictionary(uniqueKeysWithValues: metrics.map { ($0, BenchmarkThresholds(relative: [.p90: 1.0])) })
    }

    static func report(_ list: DoNotCallList, to benchmark: Benchmark, projectingTo target: Int? = nil) {
        guard list.count > 0 else {
            benchmark.error("the list is empty")
            return
        }
        let bytes = list.memoryBytes
        benchmark.measurement(Self.bitsPerNumber, (bytes * 8 + list.count / 2) / list.count)
        benchmark.measurement(Self.megabytes, bytes / 1_000_000)
        if let target {
            benchmark.measurement(Self.projectedMegabytes, Int(Double(bytes) / Double(list.count) * Double(target) / 1_000_000))
        }
    }
}

/// A 10M list and probes to walk: numbers on it, numbers not on it, and E.164 strings of numbers on it.
final class DoNotCallFixture {
    let list: DoNotCallList
    private let hits: [UInt64]
    private let misses: [UInt64]
    private let e164Hits: [String]
    private var hitCursor = 0
    private var missCursor = 0
    private var e164Cursor = 0

    init(numberCount: Int, probes: Int = 1_000_000, e164Probes: Int = 0) {
        let numbers = Self.uniformNumbers(count: numberCount, seed: 60)
        self.list = DoNotCallList.build(numbers)
        var generator = SeededGenerator(seed: 65)
        self.hits = (0..<probes).map { _ in numbers[Int(generator.next() % UInt64(numbers.count))] }
        var misses: [UInt64] = []
        misses.reserveCapacity(probes)
        let areaCodes = Self.allAreaCodes
        while misses.count < probes {
            let number = Self.number(in: areaCodes, using: &generator)
            if !self.list.contains(number) { misses.append(number) }
        }
        self.misses = misses
        self.e164Hits = self.hits.prefix(e164Probes).map { "+1\($0)" }
    }

    /// Probes in a scattered order (a stride coprime to the count), a different start each sample.
    func nextHit() -> UInt64 {
        self.hitCursor = (self.hitCursor &+ 7_919) % self.hits.count
        return self.hits[self.hitCursor]
    }

    func nextMiss() -> UInt64 {
        self.missCursor = (self.missCursor &+ 7_919) % self.misses.count
        return self.misses[self.missCursor]
    }

    func nextE164Hit() -> String {
        self.e164Cursor = (self.e164Cursor &+ 7_919) % self.e164Hits.count
        return self.e164Hits[self.e164Cursor]
    }

    static let allAreaCodes = Array(UInt64(200)...UInt64(999))

    /// A valid NANP number (area code in `areaCodes`, exchange 200–999), uniform.
    static func number(in areaCodes: [UInt64], using generator: inout SeededGenerator) -> UInt64 {
        let random = generator.next()
        let areaCode = areaCodes[Int((random >> 40) % UInt64(areaCodes.count))]
        return areaCode * 10_000_000 + 2_000_000 + (random & 0xFF_FFFF_FFFF) % 8_000_000
    }

    static func uniformNumbers(count: Int, seed: UInt64) -> [UInt64] {
        var generator = SeededGenerator(seed: seed)
        let areaCodes = Self.allAreaCodes
        return [UInt64](unsafeUninitializedCapacity: count) { buffer, initialized in
            for index in 0..<count { buffer.initializeElement(at: index, to: Self.number(in: areaCodes, using: &generator)) }
            initialized = count
        }
    }

    /// An FTC full-list file: one number a line, alternately `7025551234` and `702,5551234`, every
    /// third line ending in CRLF.
    static func ftcFile(lineCount: Int, seed: UInt64) -> [UInt8] {
        var generator = SeededGenerator(seed: seed)
        let areaCodes = Self.allAreaCodes
        var file: [UInt8] = []
        file.reserveCapacity(lineCount * 13)
        for line in 0..<lineCount {
            let number = Self.number(in: areaCodes, using: &generator)
            let text = line % 2 == 0 ? String(number) : "\(number / 10_000_000),\(number % 10_000_000)"
            file.append(contentsOf: text.utf8)
            if line % 3 == 0 { file.append(UInt8(ascii: "\r")) }
            file.append(UInt8(ascii: "\n"))
        }
        return file
    }
}

/// A 10M list and a change list for it: `changeCount / 2` new numbers and as many of its own.
final class ChangesFixture {
    let list: DoNotCallList
    let additions: [UInt64]
    let deletions: [UInt64]

    init(numberCount: Int, changeCount: Int) {
        let numbers = DoNotCallFixture.uniformNumbers(count: numberCount, seed: 60)
        self.list = DoNotCallList.build(numbers)
        var generator = SeededGenerator(seed: 66)
        self.additions = (0..<changeCount / 2).map { _ in DoNotCallFixture.number(in: DoNotCallFixture.allAreaCodes, using: &generator) }
        self.deletions = (0..<changeCount / 2).map { _ in numbers[Int(generator.next() % UInt64(numbers.count))] }
    }
}
