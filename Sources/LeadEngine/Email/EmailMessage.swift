import Foundation

/// One outreach email as RFC 5322 and MIME want it: plain text in UTF-8 (quoted-printable, readable
/// and 7-bit safe), a Message-ID at the sending domain, and RFC 8058's one-click unsubscribe headers.
public struct EmailMessage: Sendable, Equatable {
    public var from: String
    public var to: String
    public var subject: String
    public var body: String
    /// `<id@domain>` without the brackets.
    public var messageID: String
    public var date: Date
    /// The one-click unsubscribe URL (https in production), or nil for none.
    public var unsubscribeURL: String?

    public init(from: String, to: String, subject: String, body: String, messageID: String, date: Date, unsubscribeURL: String?) {
        self.from = from
        self.to = to
        self.subject = subject
        self.body = body
        self.messageID = messageID
        self.date = date
        self.unsubscribeURL = unsubscribeURL
    }

    /// The header fields, in the order they are written.
    public var headers: [(name: String, value: String)] {
        var headers: [(name: String, value: String)] = [
            ("From", self.from), ("To", self.to), ("Subject", Self.encodedWords(self.subject)), ("Date", Self.rfc5322Date(self.date)),
            ("Message-ID", "<\(self.messageID)>"), ("MIME-Version", "1.0"), ("Content-Type", "text/plain; charset=utf-8"),
            ("Content-Transfer-Encoding", "quoted-printable"),
        ]
        if let url = self.unsubscribeURL {
            headers.append(("List-Unsubscribe", "<\(url)>"))
            headers.append(("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"))
        }
        return headers
    }

    /// The body as sent: quoted-printable with CRLF line ends.
    public var encodedBody: String { Self.quotedPrintable(self.body) }

    /// The whole message, the DKIM signature first when a signer is given.
    public func rendered(signer: DKIMSigner?, timestamp: Int64) throws -> String {
        let headers = self.headers
        let body = self.encodedBody
        var text = ""
        if let signer { text += try signer.signature(headers: headers, body: body, timestamp: timestamp) + "\r\n" }
        for header in headers { text += "\(header.name): \(header.value)\r\n" }
        return text + "\r\n" + body
    }

    /// RFC 2047: ASCII text as is, anything else as UTF-8 base64 encoded words of at most 75 characters.
    static func encodedWords(_ text: String) -> String {
        if text.unicodeScalars.allSatisfy({ $0.isASCII && $0.value >= 32 && $0.value != 127 }) { return text }
        var words: [String] = []
        var chunk = ""
        for character in text {
            // 45 bytes of UTF-8 become 60 of base64: 72 with the =?UTF-8?B? and ?= around them.
            if chunk.utf8.count + character.utf8.count > 45 {
                words.append(chunk)
                chunk = ""
            }
            chunk.append(character)
        }
        if !chunk.isEmpty { words.append(chunk) }
        return words.map { "=?UTF-8?B?\(Data($0.utf8).base64EncodedString())?=" }.joined(separator: "\r\n ")
    }

    static func rfc5322Date(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second, .weekday], from: date)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ value: Int?) -> String { String(format: "%02d", value ?? 0) }
        return "\(days[(parts.weekday ?? 1) - 1]), \(two(parts.day)) \(months[(parts.month ?? 1) - 1]) \(parts.year ?? 1970) "
            + "\(two(parts.hour)):\(two(parts.minute)):\(two(parts.second)) +0000"
    }

    /// RFC 2045 §6.7: printable ASCII as is (but `=`), other bytes `=XX`, whitespace before a line end
    /// encoded, lines at most 76 characters with soft breaks.
    static func quotedPrintable(_ text: String) -> String {
        let lines = text.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n", omittingEmptySubsequences: false)
        return lines.map { line in
            let bytes = Array(line.utf8)
            var output = ""
            var current = 0
            for (index, byte) in bytes.enumerated() {
                let isLast = index == bytes.count - 1
                let token: String
                switch byte {
                case 33...60, 62...126: token = String(UnicodeScalar(byte))
                case 32 where !isLast, 9 where !isLast: token = String(UnicodeScalar(byte))
                default: token = String(format: "=%02X", byte)
                }
                if current + token.count > 75 {
                    output += "=\r\n"
                    current = 0
                }
                output += token
                current += token.count
            }
            return output
        }.joined(separator: "\r\n") + "\r\n"
    }
}
