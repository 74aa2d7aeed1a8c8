/// The columns of each export and one CSV record per row: the leads as the spec starts them, the
/// ledger's entries, the pings with their bids.
public enum ExportRecords {
    /// As the spec starts it (`id,first_name,last_name,status,score`), then every other field of a lead.
    public static let leadColumns = [
        "id", "first_name", "last_name", "status", "score", "email", "phone", "state", "zip_code", "campaign_type", "source", "origin",
        "buyer_id", "sold_price_cents", "consent_certificate_id", "ping_id", "notes", "duplicate_of", "rejection_reasons", "return_reason",
        "return_notes", "created_at", "sold_at", "delivered_at", "accepted_at", "returned_at", "updated_at",
    ]

    public static func leadRecord(_ lead: Lead) -> CSVRecord {
        var record = CSVRecord()
        record.value(lead.id)
        record.text(lead.contact.firstName)
        record.text(lead.contact.lastName)
        record.value(lead.status.rawValue)
        record.value(lead.score)
        record.text(lead.contact.email)
        record.value(lead.contact.phone)
        record.value(lead.contact.state)
        record.value(lead.contact.zipCode)
        record.value(lead.campaignType.rawValue)
        record.text(lead.source)
        record.value(lead.origin.rawValue)
        record.value(lead.buyerID)
        record.value(lead.soldPriceCents)
        record.value(lead.consentCertificateID)
        record.value(lead.pingID)
        record.text(lead.notes)
        record.value(lead.duplicateOf)
        record.text(lead.rejectionReasons.isEmpty ? nil : lead.rejectionReasons.map { "\($0.field): \($0.message)" }.joined(separator: "; "))
        record.value(lead.returnReason?.rawValue)
        record.text(lead.returnNotes)
        record.time(lead.createdAt)
        record.time(lead.soldAt)
        record.time(lead.deliveredAt)
        record.time(lead.acceptedAt)
        record.time(lead.returnedAt)
        record.time(lead.updatedAt)
        return record
    }

    public static let transactionColumns = [
        "id", "type", "buyer_id", "lead_id", "amount_cents", "balance_after_cents", "description", "reason", "created_at",
    ]

    public static func transactionRecord(_ entry: LedgerEntry) -> CSVRecord {
        var record = CSVRecord()
        record.value(entry.id)
        record.value(entry.kind.rawValue)
        record.value(entry.buyerID)
        record.value(entry.leadID)
        record.value(entry.amountCents)
        record.value(entry.balanceAfterCents)
        record.text(entry.description)
        record.text(entry.reason)
        record.time(entry.createdAt)
        return record
    }

    public static let pingColumns = [
        "id", "campaign_type", "state", "zip_code", "source", "tmax_ms", "floor_price_cents", "buyers_asked", "bids", "best_bid_cents",
        "sold_to", "created_at", "expires_at",
    ]

    public static func pingRecord(_ ping: Ping) -> CSVRecord {
        var record = CSVRecord()
        record.value(ping.id)
        record.value(ping.request.campaignType.rawValue)
        record.value(ping.request.state)
        record.value(ping.request.zipCode)
        record.text(ping.request.source)
        record.value(ping.request.tmaxMilliseconds)
        record.value(ping.floorPriceCents)
        record.value(ping.outcomes.count)
        record.value(ping.bids.count)
        record.value(ping.bids.map(\.bidCents).max())
        record.value(ping.soldTo.isEmpty ? nil : ping.soldTo.joined(separator: " "))
        record.time(ping.createdAt)
        record.time(ping.expiresAt)
        return record
    }
}
