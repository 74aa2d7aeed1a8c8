import Foundation

/// What a source's earlier leads say about it, counted by the store for scoring.
public struct SourceHistory: Sendable, Equatable {
    /// Leads from the source in the look-back window, before this one.
    public var leads: Int
    /// Of those, how many passed qualification and dedup.
    public var qualified: Int
    /// Leads from the source that were sold, and how many of them buyers returned.
    public var sold: Int
    public var returned: Int

    public init(leads: Int = 0, qualified: Int = 0, sold: Int = 0, returned: Int = 0) {
        self.leads = leads
        self.qualified = qualified
        self.sold = sold
        self.returned = returned
    }

    public static let lookBackMilliseconds: Int64 = 90 * 86_400_000
}

/// A lead's score, 0–100, as the sum of documented signals; each signal is kept with the lead's
/// events so the score explains itself.
///
/// | signal | points |
/// | --- | --- |
/// | completeness: each of first name, last name, phone, email, state, ZIP present and valid | 20 (÷ 6 each) |
/// | consent: `tcpa_express_written` or `double_opt_in` 20, `verbal_recorded` 15, `tcpa_express` 10; page URL and user agent captured +5 | 25 |
/// | phone: a valid number in a US area code in service 15; the area code's state is the lead's state +5 | 20 |
/// | email: valid syntax 10; not a disposable-mail domain +5 | 15 |
/// | source quality: share of the source's leads (90 days) that qualified; 12 for a source without history | 20 |
/// | returns: minus the source's return rate on sold leads × 50, at most −20 | −20 |
public enum LeadScore {
    public struct Signal: Sendable, Equatable {
        public var name: String
        public var points: Int
        public var maxPoints: Int
        public var detail: String
    }

    /// Domains that hand out throwaway mailboxes: a lead with one rarely answers.
    static let disposableDomains: Set<String> = [
        "mailinator.com", "guerrillamail.com", "10minutemail.com", "tempmail.com", "temp-mail.org", "yopmail.com", "trashmail.com",
        "sharklasers.com", "getnada.com", "dispostable.com", "maildrop.cc", "throwawaymail.com", "fakeinbox.com",
    ]

    public static func score(_ qualification: Qualification, history: SourceHistory) -> (score: Int, signals: [Signal]) {
        var signals: [Signal] = []
        let failedFields = Set(qualification.failures.map(\.field))
        let contactFields = ["first_name", "last_name", "phone", "email", "state", "zip_code"]
        let complete = contactFields.filter { !failedFields.contains($0) }.count
        signals.append(
            Signal(
                name: "completeness", points: complete * 20 / contactFields.count, maxPoints: 20,
                detail: "\(complete) of \(contactFields.count) contact fields present and valid"
            )
        )

        if let consent = qualification.consent {
            let base =
                switch consent.consentType {
                case .tcpaExpressWritten, .doubleOptIn: 20
                case .verbalRecorded: 15
                case .tcpaExpress: 10
                }
            let evidence = consent.pageURL != nil && consent.userAgent != nil
            signals.append(
                Signal(
                    name: "consent", points: base + (evidence ? 5 : 0), maxPoints: 25,
                    detail: "\(consent.consentType.rawValue)" + (evidence ? " with page URL and user agent" : " without full capture evidence")
                )
            )
        } else {
            signals.append(Signal(name: "consent", points: 0, maxPoints: 25, detail: "no valid consent"))
        }

        if let areaCode = qualification.areaCode, !failedFields.contains("phone") {
            let sameState = areaCode.state == qualification.contact.state
            signals.append(
                Signal(
                    name: "phone", points: 15 + (sameState ? 5 : 0), maxPoints: 20,
                    detail: "valid US number, area code \(areaCode.code) in \(areaCode.state)" + (sameState ? ", the lead's state" : ", not the lead's state")
                )
            )
        } else {
            signals.append(Signal(name: "phone", points: 0, maxPoints: 20, detail: "no valid US phone number"))
        }

        if !failedFields.contains("email") {
            let domain = qualification.contact.email.split(separator: "@").last.map(String.init) ?? ""
            let disposable = Self.disposableDomains.contains(domain)
            signals.append(
                Signal(
                    name: "email", points: disposable ? 10 : 15, maxPoints: 15,
                    detail: disposable ? "valid syntax, disposable-mail domain \(domain)" : "valid syntax"
                )
            )
        } else {
            signals.append(Signal(name: "email", points: 0, maxPoints: 15, detail: "no valid email"))
        }

        if history.leads == 0 {
            signals.append(Signal(name: "source_quality", points: 12, maxPoints: 20, detail: "no earlier leads from this source"))
        } else {
            let points = Int((20.0 * Double(history.qualified) / Double(history.leads)).rounded())
            signals.append(
                Signal(
                    name: "source_quality", points: points, maxPoints: 20,
                    detail: "\(history.qualified) of \(history.leads) earlier leads from this source qualified"
                )
            )
        }

        let penalty = history.sold == 0 ? 0 : min(20, Int((50.0 * Double(history.returned) / Double(history.sold)).rounded()))
        signals.append(
            Signal(
                name: "source_returns", points: -penalty, maxPoints: 0,
                detail: history.sold == 0 ? "no sold leads from this source yet" : "\(history.returned) of \(history.sold) sold leads from this source returned"
            )
        )

        let total = signals.reduce(0) { $0 + $1.points }
        return (min(100, max(0, total)), signals)
    }
}

extension LeadEvent {
    /// The score with the signals that make it up, so that it explains itself.
    public static func scored(_ score: Int, signals: [LeadScore.Signal], at: Date) -> LeadEvent {
        LeadEvent(
            .scored,
            detail: [
                "score": .integer(Int64(score)),
                "signals": .array(signals.map {
                    ["signal": .string($0.name), "points": .integer(Int64($0.points)), "max_points": .integer(Int64($0.maxPoints)), "detail": .string($0.detail)]
                }),
            ],
            at: at
        )
    }
}
