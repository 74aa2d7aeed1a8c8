import Foundation

/// Hands a rendered, signed message to the mail relay.
public protocol MailTransport: Sendable {
    func deliver(from envelopeSender: String, to recipient: String, message: String) async -> SendOutcome
}

/// Who a tenant's email comes from: its name for the From line and the postal address CAN-SPAM
/// requires in every commercial message.
public protocol SenderIdentities: Sendable {
    func identity(tenantID: String) async throws -> (name: String, postalAddress: String?)?
}

/// The email channel of sequences: picks the sending domain (the sequence's `from_email`, else
/// `outreach@` the tenant's most recently verified domain), adds the postal address and the
/// unsubscribe link to the text, signs with the domain's DKIM key and hands it to the relay.
public struct EmailOutreach: OutreachSender {
    let domains: any SendingDomainRepository
    let identities: any SenderIdentities
    let tokens: UnsubscribeTokens
    let transport: any MailTransport
    /// `EZLEEDS_PUBLIC_BASE_URL`: where the unsubscribe link points.
    let publicBaseURL: String
    let clock: any EngineClock

    public init(
        domains: any SendingDomainRepository, identities: any SenderIdentities, tokens: UnsubscribeTokens, transport: any MailTransport,
        publicBaseURL: String, clock: any EngineClock
    ) {
        self.domains = domains
        self.identities = identities
        self.tokens = tokens
        self.transport = transport
        self.publicBaseURL = publicBaseURL
        self.clock = clock
    }

    public func send(_ message: OutreachMessage) async -> SendOutcome {
        do {
            guard let (domain, address) = try await self.sender(of: message) else { return .skipped(reason: "no_verified_domain") }
            guard let identity = try await self.identities.identity(tenantID: message.tenantID),
                let postalAddress = identity.postalAddress, !postalAddress.isEmpty
            else { return .skipped(reason: "postal_address_missing") }
            guard let key = try await self.domains.dkimPrivateKey(domainID: domain.id, tenantID: domain.tenantID) else {
                return .skipped(reason: "no_verified_domain")
            }
            let url = self.unsubscribeURL(for: message)
            let email = EmailMessage(
                from: "\(Self.displayName(identity.name)) <\(address)>", to: message.to, subject: message.subject ?? "", body: Self.body(message.body, postalAddress: postalAddress, unsubscribeURL: url),
                messageID: "\(message.enrollmentID).\(message.step)@\(domain.name.ascii)", date: self.clock.now(), unsubscribeURL: url
            )
            let signer = try DKIMSigner(privateKeyPEM: key, domain: domain.name.ascii)
            let rendered = try email.rendered(signer: signer, timestamp: self.clock.nowMilliseconds() / 1000)
            return await self.transport.deliver(from: address, to: message.to, message: rendered)
        } catch {
            // Nothing left the server: a store or key error before the relay was called.
            return .notReached(reason: "\(error)")
        }
    }

    /// The verified domain and the address on it the message comes from.
    func sender(of message: OutreachMessage) async throws -> (SendingDomain, String)? {
        if let from = message.fromEmail, let at = from.lastIndex(of: "@") {
            let name = DomainName(ascii: String(from[from.index(after: at)...]))
            guard let domain = try await self.domains.verifiedDomain(named: name, tenantID: message.tenantID) else { return nil }
            return (domain, from)
        }
        guard let domain = try await self.domains.latestVerifiedDomain(tenantID: message.tenantID) else { return nil }
        return (domain, "outreach@\(domain.name.ascii)")
    }

    func unsubscribeURL(for message: OutreachMessage) -> String {
        let token = self.tokens.token(for: UnsubscribeToken(tenantID: message.tenantID, leadID: message.leadID, email: message.to.lowercased()))
        return "\(self.publicBaseURL)/api/v1/unsubscribe/\(token)"
    }

    /// The text, then CAN-SPAM's footer: the sender's postal address and a working way to opt out.
    static func body(_ text: String, postalAddress: String, unsubscribeURL: String) -> String {
        var body = text
        if !body.hasSuffix("\n") { body += "\n" }
        return body + "\n--\n\(postalAddress)\nTo stop these emails: \(unsubscribeURL)\n"
    }

    /// A display name as an RFC 5322 quoted string (or encoded words when it is not ASCII).
    static func displayName(_ name: String) -> String {
        let cleaned = name.filter { $0 != "\r" && $0 != "\n" }
        if cleaned.unicodeScalars.allSatisfy({ $0.isASCII }) {
            return "\"" + cleaned.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
        }
        return EmailMessage.encodedWords(cleaned)
    }
}
