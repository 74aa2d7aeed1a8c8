import Hummingbird
import LeadEngine

/// Every API request but a ping or a post first waits until the sales acknowledged before it
/// arrived are filled into the tables from the sale log: a lead is readable, returnable and counted
/// the moment its post answered. With nothing pending this is two atomic loads.
struct SaleVisibilityMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    let saleLog: SaleMaterialiser

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if !self.saleLog.isCaughtUp, Self.readsSales(request) {
            try await self.saleLog.awaitAcknowledged()
        }
        return try await next(request, context)
    }

    /// Pings and posts read nothing a pending sale changes (their decisions are made in memory), and
    /// health, readiness and metrics read no sales: `/metrics` must show the backlog, not wait it out.
    static func readsSales(_ request: Request) -> Bool {
        let path = request.uri.path
        guard path.hasPrefix("/api/") else { return false }
        return !(request.method == .post && (path.hasSuffix("/pingpost/ping") || path.hasSuffix("/pingpost/post")))
    }
}
