/// Storage of pings and their outcomes, written behind the answer, and of floor prices.
public protocol PingRepository: Sendable {
    /// Stores pings in one transaction; a ping already stored is replaced (its sales changed).
    func save(_ pings: [Ping]) async throws
    func ping(id: String, tenantID: String) async throws -> Ping?
    /// Pings that have not expired at `nowMilliseconds`, oldest first, to reload the ping book.
    func livePings(nowMilliseconds: Int64) async throws -> [Ping]
    func floorPrices() async throws -> [FloorPrice]
    func saveFloorPrice(_ floor: FloorPrice) async throws
    /// Tenants' `max_shared_buyers` settings, where set.
    func maxSharedBuyers() async throws -> [String: Int]
    func saveMaxSharedBuyers(_ value: Int, tenantID: String) async throws
    /// Deletes up to `limit` pings that expired before `expiredBefore` and sold nothing, with their
    /// bid outcomes; returns how many. Sold pings stay: sales and leads name them.
    func pruneUnsoldPings(expiredBefore: Int64, limit: Int) async throws -> Int
}
