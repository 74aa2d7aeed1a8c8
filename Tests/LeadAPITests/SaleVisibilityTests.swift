import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LeadEngine
import Synchronization
import Testing

@testable import LeadAPI

/// The read-your-sales rule through a router: an API read waits for the sales acknowledged before
/// it (folding them itself), while pings, posts, health and metrics never wait.
@Suite("Sale visibility: reads wait for acknowledged sales, metrics and pings do not")
struct SaleVisibilityTests {
    /// A log that folds only when asked, and counts how often.
    final class HeldLog: SaleLog {
        private let state = Mutex((appended: Int64(0), folded: Int64(0), folds: 0))

        func append(_ sale: SaleRecord) async throws -> Int64 { self.state.withLock { $0.appended += 1; return $0.appended } }

        func materialise(limit: Int) async throws -> SaleLogFold {
            self.state.withLock { state in
                state.folds += 1
                let through = min(state.appended, state.folded + Int64(limit))
                defer { state.folded = through }
                return SaleLogFold(materialised: Int(through - state.folded), through: through > state.folded ? through : nil)
            }
        }

        func backlog() async throws -> Int { self.state.withLock { Int($0.appended - $0.folded) } }
        var folds: Int { self.state.withLock { $0.folds } }
    }

    @Test("with three sales logged, /metrics, /healthz, a ping and a post pass without folding; an API read folds them first")
    func readsWaitOthersDoNot() async throws {
        let log = HeldLog()
        let materialiser = SaleMaterialiser(log: log)
        let sale = SaleRecord(
            ping: Ping(
                id: "ping_1", tenantID: "t", request: PingRequest(campaignType: .legalPI, state: "NV", zipCode: "89101", source: "s"),
                floorPriceCents: 0, bids: [], outcomes: [], createdAtMilliseconds: 0
            ),
            lead: Lead(
                id: "l", tenantID: "t", pingID: nil, buyerID: nil, campaignType: .legalPI, source: "s",
                contact: LeadContact(firstName: "a", lastName: "b", phone: "+17025550100", email: "a@b.test", state: "NV", zipCode: "89101"),
                status: .sold, soldPriceCents: 1, consentCertificateID: nil, createdAt: Date(timeIntervalSince1970: 0)
            ),
            certificate: nil, saleID: "s", priceCents: 1, responseMilliseconds: 0, chargeID: "c",
            delivery: Delivery(
                id: "d", tenantID: "t", leadID: "l", buyerID: "b", url: nil, payload: [], status: .notConfigured, nextAttemptAtMilliseconds: nil,
                createdAtMilliseconds: 0
            )
        )
        for _ in 0..<3 { _ = try await materialiser.append(sale) }
        let router = Router(context: AppRequestContext.self)
        router.add(middleware: SaleVisibilityMiddleware(saleLog: materialiser))
        for path in ["/metrics", "/healthz", "/readyz", "/api/v1/pingpost/ping", "/api/v1/pingpost/post", "/api/v1/leads/l"] {
            router.on(RouterPath(path), method: path.hasPrefix("/api/v1/pingpost") ? .post : .get) { _, _ in "ok" }
        }
        try await Application(router: router).test(.router) { client in
            for (method, path) in [(HTTPRequest.Method.get, "/metrics"), (.get, "/healthz"), (.get, "/readyz"),
                                   (.post, "/api/v1/pingpost/ping"), (.post, "/api/v1/pingpost/post")] {
                try await client.execute(uri: path, method: method) { #expect($0.status == .ok) }
                #expect(log.folds == 0, "\(path) waited for the sale log")
            }
            #expect(materialiser.backlogEstimate == 3)
            try await client.execute(uri: "/api/v1/leads/l", method: .get) { #expect($0.status == .ok) }
            #expect(log.folds >= 1)
            #expect(materialiser.isCaughtUp && materialiser.backlogEstimate == 0)
            #expect(try await log.backlog() == 0)
        }
    }
}
