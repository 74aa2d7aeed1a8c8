import Foundation
import LeadEngine
import NIOCore

/// Texts through a Twilio-compatible REST API (Twilio, SignalWire, Telnyx's compatibility API…):
/// `POST {api}/2010-04-01/Accounts/{sid}/Messages.json`, form fields `To`, `From` and `Body`, HTTP
/// Basic auth with the account SID and auth token. The provider is the operator's, so its pool may
/// reach private addresses (a gateway on the LAN, a test fake on loopback).
public struct TwilioSMSSender: OutreachSender {
    public struct Account: Sendable, Equatable {
        /// Scheme, host and optional port, no trailing slash: `https://api.twilio.com`.
        public var apiURL: String
        public var accountSID: String
        public var authToken: String
        /// The sending number (E.164) or messaging service the texts come from.
        public var from: String

        public init(apiURL: String, accountSID: String, authToken: String, from: String) {
            self.apiURL = apiURL.hasSuffix("/") ? String(apiURL.dropLast()) : apiURL
            self.accountSID = accountSID
            self.authToken = authToken
            self.from = from
        }

        public var messagesURL: String { "\(self.apiURL)/2010-04-01/Accounts/\(self.accountSID)/Messages.json" }
    }

    public static let defaultAPIURL = "https://api.twilio.com"
    let account: Account
    let pool: OutboundConnectionPool
    let timeout: TimeAmount

    public init(account: Account, pool: OutboundConnectionPool, timeout: TimeAmount = .seconds(15)) {
        self.account = account
        self.pool = pool
        self.timeout = timeout
    }

    public func send(_ message: OutreachMessage) async -> SendOutcome {
        let body = Array(FormEncoding.encode([("To", message.to), ("From", self.account.from), ("Body", message.body)]).utf8)
        let credentials = Data("\(self.account.accountSID):\(self.account.authToken)".utf8).base64EncodedString()
        let headers: [(name: String, value: String)] = [
            ("Content-Type", "application/x-www-form-urlencoded"), ("Accept", "application/json"), ("Authorization", "Basic \(credentials)"),
            ("User-Agent", "ezleeds-outreach/1"),
        ]
        let call = OutboundCall(url: self.account.messagesURL, timeout: self.timeout, maxBodyBytes: 64 * 1024) { target in
            HTTPPost.encode(to: target, headers: headers, body: body)
        }
        return OutreachAnswer.outcome(of: await self.pool.exchange(call)) { body in
            if case .string(let sid)? = OutreachAnswer.object(body)?["sid"] { return sid }
            return nil
        }
    }
}

/// `application/x-www-form-urlencoded`: every byte but the unreserved ones percent-encoded (so a
/// phone's `+` arrives as `%2B`, not as a space).
public enum FormEncoding {
    public static func encode(_ fields: [(String, String)]) -> String {
        fields.map { "\(Self.escape($0.0))=\(Self.escape($0.1))" }.joined(separator: "&")
    }

    static func escape(_ text: String) -> String {
        var escaped = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                escaped.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                escaped += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return escaped
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        self.count >= width ? self : String(repeating: "0", count: width - self.count) + self
    }
}
