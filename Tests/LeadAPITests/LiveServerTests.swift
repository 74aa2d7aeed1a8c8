import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LeadAPI
import LeadEngine
import LeadStore
import Logging
import NIOCore
import Testing

/// Through a real socket, with the application's services running as `ezleeds serve` runs them.
@Suite("Live server over a socket")
struct LiveServerTests {
    @Test("buyers round-trip over TCP, and a key revoked by another process fails on a later request")
    func revokedByAnotherProcess() async throws {
        let server = try await TestServer.make()
        let doomed = try await server.issueKey(role: .standard)
        try await server.test(.live) { client in
            #expect(client.port != nil)
            let id = try await create("/api/v1/buyers", body: SpecExample.buyer, key: doomed.secret, client: client)
            try await client.execute(uri: "/api/v1/buyers/\(id)", method: .get, headers: .apiKey(doomed.secret)) { response in
                #expect(response.status == .ok)
            }
            // Another connection to the same file, as the `ezleeds key revoke` command would open.
            let cli = TenantProvisioning(repository: SQLiteTenantRepository(database: try LeadDatabase(path: server.configuration.databasePath)), clock: SystemClock())
            _ = try await cli.revokeKey(id: doomed.key.id)
            // The refresher polls every 50 ms here; give it ample time, then expect the 401.
            var status: HTTPResponse.Status = .ok
            for _ in 0..<100 where status != .unauthorized {
                try await Task.sleep(for: .milliseconds(20))
                status = try await client.execute(uri: "/api/v1/buyers/\(id)", method: .get, headers: .apiKey(doomed.secret)) { $0.status }
            }
            #expect(status == .unauthorized)
            try await client.execute(uri: "/api/v1/buyers/\(id)", method: .get, headers: .apiKey(server.tenant.apiKey)) { response in
                #expect(response.status == .ok)
            }
        }
    }
}
