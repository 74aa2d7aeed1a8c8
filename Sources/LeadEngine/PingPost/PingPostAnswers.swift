/// The ping and post answers in exactly the spec's shape, and the bid request sent to every
/// real-time bidder, written straight to bytes: they go out at the engine's full rate, so they skip
/// `JSONValue` and `JSONEncoder`.
extension Ping {
    /// `{"ping_id", "expires_at", "bids": [{"buyer_id", "buyer_name", "bid_cents", "exclusivity"}], "floor_price_cents"}`
    public func answerJSON() -> [UInt8] {
        var writer = JSONWriter(capacity: 160 + self.bids.count * 128)
        writer.beginObject()
        writer.key("ping_id")
        writer.string(self.id)
        writer.key("expires_at")
        writer.timestamp(milliseconds: self.expiresAtMilliseconds)
        writer.key("bids")
        writer.beginArray()
        for bid in self.bids {
            writer.beginObject()
            writer.key("buyer_id")
            writer.string(bid.buyerID)
            writer.key("buyer_name")
            writer.string(bid.buyerName)
            writer.key("bid_cents")
            writer.integer(bid.bidCents)
            writer.key("exclusivity")
            writer.string(bid.exclusivity.rawValue)
            writer.endObject()
        }
        writer.endArray()
        writer.key("floor_price_cents")
        writer.integer(self.floorPriceCents)
        writer.endObject()
        return writer.bytes
    }
}

extension PostReceipt {
    /// `{"accepted": true, "lead_id", "buyer_id", "price_cents", "consent_certificate_id", "delivery_status"}`
    public func answerJSON() -> [UInt8] {
        var writer = JSONWriter(capacity: 256)
        writer.beginObject()
        writer.key("accepted")
        writer.bool(true)
        writer.key("lead_id")
        writer.string(self.leadID)
        writer.key("buyer_id")
        writer.string(self.buyerID)
        writer.key("price_cents")
        writer.integer(self.priceCents)
        writer.key("consent_certificate_id")
        writer.string(self.consentCertificateID)
        writer.key("delivery_status")
        writer.string(self.deliveryStatus.rawValue)
        writer.endObject()
        return writer.bytes
    }
}

extension BidRequestPayload {
    /// `{"ping_id", "campaign_type", "state", "zip_code", "source", "floor_price_cents", "expires_at", "tmax_ms"}`
    public func json() -> [UInt8] {
        var writer = JSONWriter(capacity: 256)
        writer.beginObject()
        writer.key("ping_id")
        writer.string(self.pingID)
        writer.key("campaign_type")
        writer.string(self.campaignType.rawValue)
        writer.key("state")
        writer.string(self.state)
        writer.key("zip_code")
        writer.string(self.zipCode)
        writer.key("source")
        writer.string(self.source)
        writer.key("floor_price_cents")
        writer.integer(self.floorPriceCents)
        writer.key("expires_at")
        writer.timestamp(milliseconds: self.expiresAtMilliseconds)
        writer.key("tmax_ms")
        writer.integer(Int64(self.tmaxMilliseconds))
        writer.endObject()
        return writer.bytes
    }
}
