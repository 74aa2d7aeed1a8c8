import Foundation
import LeadEngine
import NIOCore
import NIOPosix
import NIOSSL

/// One SMTP reply: its code and the text of its lines (without the code).
struct SMTPReply: Sendable, Equatable {
    var code: Int
    var lines: [String]

    /// The lines joined with spaces: "2.0.0 Ok: queued as 4F2A1".
    var text: String { self.lines.joined(separator: " ").trimmingCharacters(in: .whitespaces) }

    /// Code and text, as reasons show it: "550 5.1.1 mailbox unavailable".
    var summary: String {
        let full = self.text.isEmpty ? "\(self.code)" : "\(self.code) \(self.text)"
        return full.count > 300 ? full.prefix(300) + "…" : full
    }

    /// Whether an EHLO reply lists the extension (its lines after the first start with keywords).
    func offers(_ keyword: String) -> Bool {
        self.lines.dropFirst().contains { line in
            line.split(separator: " ", maxSplits: 1).first.map { $0.uppercased() == keyword } ?? false
        }
    }

    /// The mechanisms of an EHLO reply's AUTH line (or the older `AUTH=` form), upper-cased.
    var authMechanisms: Set<String> {
        var mechanisms = Set<String>()
        for line in self.lines.dropFirst() {
            let upper = line.uppercased()
            guard upper.hasPrefix("AUTH ") || upper.hasPrefix("AUTH=") else { continue }
            mechanisms.formUnion(upper.dropFirst(5).split(separator: " ").map(String.init))
        }
        return mechanisms
    }
}

/// Why a reply did not come.
enum SMTPFailure: Error, Sendable {
    case closed
    case noReply(after: TimeAmount)
    case garbled(String)
    /// Bytes after the 220 to STARTTLS, which would be read as if they came over TLS (CVE-2011-0411).
    case plaintextAfterStartTLS
    case connection(any Error)
}

/// A failure and the step it stopped.
struct SMTPStepFailure: Error, Sendable {
    var stage: SMTPStage
    var failure: SMTPFailure
}

/// Groups reply lines into replies: `250-…` lines continue one, a `250 …` line ends it.
struct SMTPReplyAssembler {
    static let maxLines = 100
    private var code: Int?
    private var lines: [String] = []

    /// The reply the line completes, or nil when more lines follow.
    mutating func add(_ line: String) throws(SMTPFailure) -> SMTPReply? {
        let bytes = Array(line.utf8.prefix(4))
        guard bytes.count >= 3, (UInt8(ascii: "1")...UInt8(ascii: "5")).contains(bytes[0]),
            bytes[1...2].allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }),
            bytes.count == 3 || bytes[3] == UInt8(ascii: " ") || bytes[3] == UInt8(ascii: "-"),
            let code = Int(String(decoding: bytes[0..<3], as: UTF8.self))
        else { throw .garbled(Self.shown(line)) }
        guard self.code == nil || self.code == code else { throw .garbled(Self.shown(line)) }
        self.lines.append(String(line.dropFirst(4)))
        if bytes.count == 4, bytes[3] == UInt8(ascii: "-") {
            guard self.lines.count < Self.maxLines else { throw .garbled("a reply of more than \(Self.maxLines) lines") }
            self.code = code
            return nil
        }
        defer {
            self.code = nil
            self.lines = []
        }
        return SMTPReply(code: code, lines: self.lines)
    }

    /// A line as a reason may show it: short, without control characters.
    private static func shown(_ line: String) -> String {
        String(String.UnicodeScalarView(line.unicodeScalars.prefix(80).map { $0.value < 0x20 || $0.value == 0x7F ? "?" : $0 })).debugDescription
    }
}
