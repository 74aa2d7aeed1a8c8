import Hummingbird
import LeadEngine

/// Every request but a ping or a post first waits until the sales acknowledged before it arrived
/// are filled into the tables from the sale log: a lead is readable, returnable and counted the
/// moment its post answered. With nothing pending this is two atomic loads.
struct SaleVisibilityMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    let saleLog: SaleMaterialiser

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if !self.saleLog.isCaughtUp, !Self.isPingOrPost(request) {
            try await self.saleLog.awaitAcknowledged()
        }
        return try await next(request, context)
    }

    /// Pings and posts read nothing a pending sale changes: their decisions are made in memory.
    static func isPingOrPost(_ request: Request) -> Bool {
        guard request.method == .post else { return false }
        let path = request.uri.path
        return path.hasSuffix("/pingpost/ping") || path.hasSuffix("/pingpost/post")
    }
}
