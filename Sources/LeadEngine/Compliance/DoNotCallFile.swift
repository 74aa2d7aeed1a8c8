/// Reads Do-Not-Call files as the FTC's National Registry gives them to sellers (and state lists and
/// internal lists in the same shape), a chunk of bytes at a time, whatever their size.
///
/// Lines end with LF or CRLF; spaces and tabs around the line and around each comma-separated field
/// are ignored, as are blank lines and a UTF-8 byte-order mark at the very start. A number is
/// written in either form the FTC uses:
///
///     7025551234          ten digits (the flat full-list download)
///     702,5551234         area code, comma, seven digits (the comma-delimited download)
///
/// and must be a valid NANP number: area code and exchange 200–999 (`DoNotCallList.isValid`).
///
/// A full list, or a change list delivered as separate files of additions and of deletions, is read
/// in `.additions` or `.deletions` mode: every line is one number. A change list that flags each
/// record is read in `.changes` mode, where a line is a number and a flag, `A` (added to the
/// registry) or `D` (deleted from it), in either letter case, before or after the number:
///
///     A,7025551234        D,702,5551234
///     7025551234,A        702,5551234,D
///
/// Any other line (letters, a wrong digit count, an invalid area code or exchange, a missing or
/// unknown flag in `.changes` mode, a line over 256 bytes) is counted as invalid and skipped, its line
/// number kept among the first few for the report; it never stops the import.
///
/// The parser accumulates the numbers in `additions` and `deletions`; a caller streaming a large
/// file takes them out in batches with `takeNumbers()` (a full federal list is 250 million numbers:
/// 2 GB as `UInt64`). Chunk boundaries may fall anywhere, mid-line included: the result is the same
/// as reading the whole file at once.
public struct DoNotCallFileParser: Sendable {
    /// What the lines of the file mean.
    public enum Mode: Sendable, Equatable {
        /// Every line is a number to put on the list: a full list, or a change list's additions.
        case additions
        /// Every line is a number to take off the list: a change list's deletions.
        case deletions
        /// Every line is a number with an `A` or `D` flag.
        case changes
    }

    /// What was read so far.
    public struct Report: Sendable, Equatable {
        /// Bytes consumed, for progress against the file's size.
        public var bytes = 0
        /// Lines seen, blank ones included (a last line without a line break counts once `finish()` is called).
        public var lines = 0
        public var blankLines = 0
        /// Numbers read as additions, and as deletions (duplicates included: the list ignores them).
        public var additions = 0
        public var deletions = 0
        /// Lines that are neither blank nor a valid entry.
        public var invalid = 0
        /// The 1-based numbers of the first invalid lines, ascending, at most `keptInvalidLines` of them.
        public var firstInvalidLines: [Int] = []

        /// Numbers read: additions and deletions.
        public var accepted: Int { self.additions + self.deletions }

        public init() {}
    }

    /// The longest line read; a longer one is invalid.
    public static let maximumLineLength = 256

    public let mode: Mode
    /// How many invalid line numbers the report keeps.
    public let keptInvalidLines: Int

    public private(set) var report = Report()
    /// Numbers read as additions since the last `takeNumbers()`, in file order.
    public private(set) var additions: [UInt64] = []
    /// Numbers read as deletions since the last `takeNumbers()`, in file order.
    public private(set) var deletions: [UInt64] = []

    /// The start of a line that the last chunk cut; at most `maximumLineLength` bytes of it.
    private var partialLine: [UInt8] = []
    /// The cut line is already longer than `maximumLineLength`.
    private var partialLineTooLong = false
    private var atStartOfFile = true
    private var finished = false

    public init(mode: Mode = .additions, keptInvalidLines: Int = 10) {
        self.mode = mode
        self.keptInvalidLines = keptInvalidLines
    }

    /// Reads the whole of `bytes` (a file read into memory, or a test's text).
    public static func parse(_ bytes: [UInt8], mode: Mode = .additions) -> DoNotCallFileParser {
        var parser = DoNotCallFileParser(mode: mode)
        parser.consume(bytes)
        parser.finish()
        return parser
    }

    /// The numbers read since the last call, leaving none in the parser.
    public mutating func takeNumbers() -> (additions: [UInt64], deletions: [UInt64]) {
        defer {
            self.additions = []
            self.deletions = []
        }
        return (self.additions, self.deletions)
    }

    public mutating func consume(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { self.consume($0) }
    }

    /// Reads the next bytes of the file.
    public mutating func consume(_ chunk: UnsafeRawBufferPointer) {
        precondition(!self.finished, "consume after finish")
        guard !chunk.isEmpty else { return }
        self.report.bytes += chunk.count
        let bytes = chunk
        var lineStart = 0
        var index = 0
        while index < bytes.count {
            guard bytes[index] == UInt8(ascii: "\n") else {
                index &+= 1
                continue
            }
            if self.partialLine.isEmpty && !self.partialLineTooLong {
                self.readLine(UnsafeRawBufferPointer(rebasing: bytes[lineStart..<index]), tooLong: false)
            } else {
                self.appendToPartialLine(UnsafeRawBufferPointer(rebasing: bytes[lineStart..<index]))
                let tooLong = self.partialLineTooLong
                let line = self.partialLine
                self.partialLine.removeAll(keepingCapacity: true)
                self.partialLineTooLong = false
                line.withUnsafeBytes { self.readLine($0, tooLong: tooLong) }
            }
            index &+= 1
            lineStart = index
        }
        if lineStart < bytes.count { self.appendToPartialLine(UnsafeRawBufferPointer(rebasing: bytes[lineStart...])) }
    }

    /// Reads the last line if the file does not end with a line break. Call it once, at the end.
    public mutating func finish() {
        guard !self.finished else { return }
        self.finished = true
        guard !self.partialLine.isEmpty || self.partialLineTooLong else { return }
        let tooLong = self.partialLineTooLong
        let line = self.partialLine
        self.partialLine = []
        self.partialLineTooLong = false
        line.withUnsafeBytes { self.readLine($0, tooLong: tooLong) }
    }

    private mutating func appendToPartialLine(_ bytes: UnsafeRawBufferPointer) {
        guard !self.partialLineTooLong else { return }
        if self.partialLine.count + bytes.count > Self.maximumLineLength {
            self.partialLineTooLong = true
            self.partialLine.removeAll(keepingCapacity: true)
        } else {
            self.partialLine.append(contentsOf: bytes)
        }
    }

    // MARK: One line

    private mutating func readLine(_ line: UnsafeRawBufferPointer, tooLong: Bool) {
        self.report.lines += 1
        var line = line
        let isFirstLine = self.atStartOfFile
        self.atStartOfFile = false
        if tooLong || line.count > Self.maximumLineLength {
            self.countInvalidLine()
            return
        }
        if isFirstLine, line.count >= 3, line[0] == 0xEF, line[1] == 0xBB, line[2] == 0xBF {
            line = UnsafeRawBufferPointer(rebasing: line[3...])
        }
        switch Self.entry(line, mode: self.mode) {
        case .blank:
            self.report.blankLines += 1
        case .invalid:
            self.countInvalidLine()
        case .addition(let number):
            self.report.additions += 1
            self.additions.append(number)
        case .deletion(let number):
            self.report.deletions += 1
            self.deletions.append(number)
        }
    }

    private mutating func countInvalidLine() {
        self.report.invalid += 1
        if self.report.firstInvalidLines.count < self.keptInvalidLines { self.report.firstInvalidLines.append(self.report.lines) }
    }

    enum Entry: Equatable {
        case blank
        case invalid
        case addition(UInt64)
        case deletion(UInt64)
    }

    /// One field between commas, spaces and tabs trimmed.
    private enum Field {
        case digits(UInt64, length: Int)
        case flag(isAddition: Bool)
        case other
    }

    /// What one line (without its LF) says; a trailing CR is whitespace.
    static func entry(_ line: UnsafeRawBufferPointer, mode: Mode) -> Entry {
        if Self.isBlank(line, from: 0, to: line.count) { return .blank }
        var fields: (Field, Field, Field) = (.other, .other, .other)
        var fieldCount = 0
        var start = 0
        // Splits on commas; more than three fields is never valid.
        while true {
            var end = start
            while end < line.count, line[end] != UInt8(ascii: ",") { end &+= 1 }
            let field = Self.field(line, from: start, to: end)
            switch fieldCount {
            case 0: fields.0 = field
            case 1: fields.1 = field
            case 2: fields.2 = field
            default: return .invalid
            }
            fieldCount &+= 1
            guard end < line.count else { break }
            start = end &+ 1
        }

        let number: UInt64
        var isAddition = mode != .deletions
        switch (mode, fieldCount, fields.0, fields.1, fields.2) {
        case (.additions, 1, .digits(let value, 10), _, _), (.deletions, 1, .digits(let value, 10), _, _):
            number = value
        case (.additions, 2, .digits(let area, 3), .digits(let subscriber, 7), _),
            (.deletions, 2, .digits(let area, 3), .digits(let subscriber, 7), _):
            number = area * 10_000_000 + subscriber
        case (.changes, 2, .flag(let addition), .digits(let value, 10), _), (.changes, 2, .digits(let value, 10), .flag(let addition), _):
            number = value
            isAddition = addition
        case (.changes, 3, .flag(let addition), .digits(let area, 3), .digits(let subscriber, 7)),
            (.changes, 3, .digits(let area, 3), .digits(let subscriber, 7), .flag(let addition)):
            number = area * 10_000_000 + subscriber
            isAddition = addition
        default:
            return .invalid
        }
        guard DoNotCallList.isValid(number) else { return .invalid }
        return isAddition ? .addition(number) : .deletion(number)
    }

    private static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\r")
    }

    private static func isBlank(_ line: UnsafeRawBufferPointer, from start: Int, to end: Int) -> Bool {
        var index = start
        while index < end {
            if !Self.isWhitespace(line[index]) { return false }
            index &+= 1
        }
        return true
    }

    private static func field(_ line: UnsafeRawBufferPointer, from start: Int, to end: Int) -> Field {
        var start = start
        var end = end
        while start < end, Self.isWhitespace(line[start]) { start &+= 1 }
        while end > start, Self.isWhitespace(line[end &- 1]) { end &-= 1 }
        let length = end &- start
        if length == 1 {
            switch line[start] {
            case UInt8(ascii: "A"), UInt8(ascii: "a"): return .flag(isAddition: true)
            case UInt8(ascii: "D"), UInt8(ascii: "d"): return .flag(isAddition: false)
            default: break
            }
        }
        guard length == 3 || length == 7 || length == 10 else { return .other }
        var value: UInt64 = 0
        for index in start..<end {
            let digit = line[index] &- UInt8(ascii: "0")
            guard digit < 10 else { return .other }
            value = value &* 10 &+ UInt64(digit)
        }
        return .digits(value, length: length)
    }
}
