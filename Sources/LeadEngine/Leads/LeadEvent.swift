import Foundation

/// One entry of a lead's audit trail: what happened, the facts of it, when, and which key did it
/// (nil for the engine itself).
public struct LeadEvent: Sendable, Equatable {
    public enum Kind: String, Sendable {
        case received
        case qualified
        case rejected
        case duplicate
        case scored
        case consentCertified = "consent_certified"
        case doNotCallChecked = "dnc_checked"
        case routed
        case unsold
        case sold
        case delivered
        case accepted
        case returned
        case refunded
        case statusChanged = "status_changed"
        case updated
        case internalUpdate = "internal_update"
    }

    public var kind: Kind
    public var detail: JSONValue
    public var actorKeyID: String?
    public var at: Date

    public init(_ kind: Kind, detail: JSONValue = [:], actorKeyID: String? = nil, at: Date) {
        self.kind = kind
        self.detail = detail
        self.actorKeyID = actorKeyID
        self.at = at
    }
}

extension LeadEvent {
    /// The do-not-call look-up made when the lead came in, as the lead's history keeps it.
    public static func doNotCallChecked(_ match: DoNotCallMatch, at: Date) -> LeadEvent {
        LeadEvent(
            .doNotCallChecked,
            detail: [
                "on_dnc": .bool(match.listed),
                "federal_dnc": .bool(match.federal),
                "state_dnc": .bool(match.state),
                "internal_dnc": .bool(match.internalList),
                "lists_not_loaded": .array(match.listsNotLoaded.map(JSONValue.string)),
            ],
            at: at
        )
    }
}
