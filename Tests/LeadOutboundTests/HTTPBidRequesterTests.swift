import AsyncHTTPClient
import Foundation
import LeadEngine
import LeadOutbound
import NIOCore
import Testing

@Suite("The buyer bid protocol over HTTP")
struct HTTPBidRequesterTests {
    @Test(
        "answers are read strictly",
        arguments: [
            (#"{"bid_cents": 35000, "exclusivity": "shared"}"#, BidAnswer.bid(cents: 35000, exclusivity: .shared)),
            (#"{"bid_cents": 35000}"#, .bid(cents: 35000, exclusivity: nil)),
            (#"{"bid_cents": 1, "exclusivity": "exclusive", "extra": [1]}"#, .bid(cents: 1, exclusivity: .exclusive)),
            (#"{"bid_cents": 0}"#, .declined),
            (#"{"bid_cents": -5}"#, .failed(.badResponse, detail: "bid_cents must be a non-negative integer")),
            (#"{"bid_cents": 12.5}"#, .failed(.badResponse, detail: "bid_cents must be a non-negative integer")),
            (#"{"bid_cents": "100"}"#, .failed(.badResponse, detail: "bid_cents must be a non-negative integer")),
            (#"{"bid": 100}"#, .failed(.badResponse, detail: "bid_cents must be a non-negative integer")),
            (#"{"bid_cents": 100, "exclusivity": "sometimes"}"#, .failed(.badResponse, detail: "exclusivity must be shared or exclusive")),
            ("OK", .failed(.badResponse, detail: "not a JSON object")),
            ("[100]", .failed(.badResponse, detail: "not a JSON object")),
            ("", .failed(.badResponse, detail: "not a JSON object")),
        ]
    )
    func parse(body: String, expected: BidAnswer) {
        #expect(HTTPBidRequester.parseAnswer(ByteBuffer(string: body)) == expected)
    }

    @Test("a refused connection is unreachable, within the buyer's timeout")
    func refused() async throws {
        let client = HTTPBidRequester.makeClient()
        let requester = HTTPBidRequester(client: client)
        let buyer = Buyer(
            id: "buyer_1", tenantID: "t", name: "Down", campaignTypes: [.solar], states: ["TX"], maxPriceCents: 100,
            bidURL: "http://127.0.0.1:1/bid", createdAt: .now, updatedAt: .now
        )
        let payload = BidRequestPayload(
            pingID: "ping_1", campaignType: .solar, state: "TX", zipCode: "75001", source: "s", floorPriceCents: 0,
            expiresAtMilliseconds: 0, tmaxMilliseconds: 300
        )
        let started = ContinuousClock.now
        let answer = await requester.requestBid(from: buyer, payload: payload, timeoutMilliseconds: 150)
        let elapsed = ContinuousClock.now - started
        try await client.shutdown()
        guard case .failed(let reason, _) = answer else {
            Issue.record("expected a failure, got \(answer)")
            return
        }
        #expect(reason == .unreachable || reason == .timeout)
        #expect(elapsed < .milliseconds(150 + 1500), "a generous bound: the point is that it does not hang")
    }
}
