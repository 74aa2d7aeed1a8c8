import Crypto
import Foundation

/// Who may read `/metrics`, which counts every tenant's requests together: clients on the machine
/// itself (a local Prometheus or agent), and anyone else only with `Authorization: Bearer <token>`
/// when the operator set `--metrics-token`. Without a token, other addresses get a 403.
struct MetricsAccess: Sendable {
    let token: String?

    /// `address` is nil for requests that came through no socket (the tests' in-process router).
    func allows(address: String?, authorization: String?) -> Bool {
        guard let address else { return true }
        if Self.isLoopback(address) { return true }
        guard let token, let authorization, authorization.hasPrefix("Bearer ") else { return false }
        let presented = SHA256.hash(data: Data(authorization.dropFirst("Bearer ".count).utf8))
        // Equal-length digests, compared in constant time: the token's length and prefix stay secret.
        return presented == SHA256.hash(data: Data(token.utf8))
    }

    static func isLoopback(_ address: String) -> Bool {
        address == "::1" || address.hasPrefix("127.") || address.hasPrefix("::ffff:127.")
    }
}
