import Crypto
import Foundation
import GRDB
import HTTPTypes
import HummingbirdTesting
import LeadAPI
import LeadEngine
import NIOCore
import Testing
@testable import LeadStore

@Suite("Compliance: consent certificates")
struct ConsentAPITests {
    static let record = """
        {"consent_type": "tcpa_express_written", "channel": "web", "mechanism": "web_form", "consent_text": "I agree to be contacted...",
         "ip_address": "203.0.113.42", "user_agent": "Mozilla/5.0...", "page_url": "https://example.com/intake"}
        """

    static func verify(_ id: String, key: String, client: some TestClientProtocol) async throws -> [String: Any] {
        try await client.execute(
            uri: "/api/v1/compliance/verify-consent", method: .post, headers: .complianceKey(key), body: .json(#"{"certificate_id": "\#(id)"}"#)
        ) { response in
            #expect(response.status == .ok)
            return try response.object()
        }
    }

    @Test("record, verify, verify offline with the published JWK, tamper, revoke")
    func lifecycle() async throws {
        let server = try await TestServer.make()
        try await server.test { client in
            let key = server.tenant.complianceKey
            let recorded = try await client.execute(
                uri: "/api/v1/compliance/record-consent", method: .post, headers: .complianceKey(key), body: .json(Self.record)
            ) { response in
                #expect(response.status == .created, "\(response.text)")
                return try response.object()
            }
            let id = try #require(recorded["certificate_id"] as? String)
            #expect(id.hasPrefix("cert_"))
            let hash = try #require(recorded["hash"] as? String)
            #expect(hash.hasPrefix("sha256:"))
            #expect(recorded["created_at"] is String)

            let verified = try await Self.verify(id, key: key, client: client)
            #expect(verified["valid"] as? Bool == true)
            let certificate = try #require(verified["certificate"] as? [String: Any])
            #expect(certificate["id"] as? String == id)
            #expect(certificate["consent_type"] as? String == "tcpa_express_written")
            #expect(certificate["channel"] as? String == "web")
            #expect(certificate["is_active"] as? Bool == true)

            // Offline: the JWK alone, no key needed to fetch it, checks the signature over the hash.
            let jwk = try await client.execute(uri: "/api/v1/compliance/public-key", method: .get) { response in
                #expect(response.status == .ok)
                return try response.object()
            }
            #expect(jwk["kty"] as? String == "OKP")
            #expect(jwk["crv"] as? String == "Ed25519")
            var x = try #require(jwk["x"] as? String).replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
            while x.count % 4 != 0 { x += "=" }
            let publicKey = try Curve25519.Signing.PublicKey(rawRepresentation: try #require(Data(base64Encoded: x)))
            let signatureText = try #require(recorded["signature"] as? String)
            let signature = try #require(Data(base64Encoded: signatureText))
            #expect(publicKey.isValidSignature(signature, for: Array(hash.utf8)))

            // Another account cannot see it.
            let foreign = try await Self.verify(id, key: server.otherTenant.complianceKey, client: client)
            #expect(foreign["valid"] as? Bool == false)

            // One changed byte in the stored record and it no longer verifies.
            let database = try LeadDatabase(path: server.configuration.databasePath)
            try await database.writer.write { db in
                try db.execute(sql: "UPDATE consent_certificates SET consent_text = 'I agree to be contacted..!' WHERE id = ?", arguments: [id])
            }
            let tampered = try await Self.verify(id, key: key, client: client)
            #expect(tampered["valid"] as? Bool == false)
            try await database.writer.write { db in
                try db.execute(sql: "UPDATE consent_certificates SET consent_text = 'I agree to be contacted...' WHERE id = ?", arguments: [id])
            }
            let restored = try await Self.verify(id, key: key, client: client)
            #expect(restored["valid"] as? Bool == true)
            try database.close()

            try await client.execute(
                uri: "/api/v1/compliance/revoke-consent", method: .post, headers: .complianceKey(key), body: .json(#"{"certificate_id": "\#(id)"}"#)
            ) { response in
                #expect(response.status == .ok)
                let body = try response.object()
                #expect(body["is_active"] as? Bool == false)
                #expect(body["revoked_at"] is String)
            }
            let revoked = try await Self.verify(id, key: key, client: client)
            #expect(revoked["valid"] as? Bool == false)
            #expect((revoked["certificate"] as? [String: Any])?["is_active"] as? Bool == false)
        }
    }

    @Test("unknown certificates are not valid; bad input is 400/422; only compliance keys may use these")
    func errors() async throws {
        let server = try await TestServer.make()
        try await server.test { client in
            let key = server.tenant.complianceKey
            let unknown = try await Self.verify("cert_000000000000000000000000", key: key, client: client)
            #expect(unknown["valid"] as? Bool == false)
            #expect(unknown["certificate"] is NSNull)
            try await client.execute(
                uri: "/api/v1/compliance/record-consent", method: .post, headers: .complianceKey(key),
                body: .json(#"{"consent_type": "maybe", "ip_address": "1.2.3", "page_url": "ftp://x", "lead_id": 5}"#)
            ) { response in
                #expect(response.status == .unprocessableContent)
                let body = try response.object()
                let errors = try #require(body["errors"] as? [[String: Any]])
                #expect(Set(errors.compactMap { $0["field"] as? String }) == ["consent_type", "consent_text", "ip_address", "page_url", "lead_id"])
            }
            try await client.execute(
                uri: "/api/v1/compliance/record-consent", method: .post, headers: .complianceKey(key),
                body: .json(String(Self.record.dropLast()) + #", "lead_id": "00000000-0000-0000-0000-000000000000"}"#)
            ) { response in
                #expect(response.status == .unprocessableContent)
                #expect(response.text.contains("lead_id"))
            }
            try await client.execute(uri: "/api/v1/compliance/verify-consent", method: .post, headers: .complianceKey(key), body: .json("{")) { response in
                #expect(response.status == .badRequest)
            }
            try await client.execute(
                uri: "/api/v1/compliance/revoke-consent", method: .post, headers: .complianceKey(key), body: .json(#"{"certificate_id": "cert_nope"}"#)
            ) { response in
                #expect(response.status == .notFound)
            }
            for path in ["record-consent", "verify-consent", "revoke-consent"] {
                try await client.execute(
                    uri: "/api/v1/compliance/\(path)", method: .post, headers: .complianceKey(server.tenant.adminKey), body: .json(Self.record)
                ) { response in
                    #expect(response.status == .forbidden)
                }
                try await client.execute(uri: "/api/v1/compliance/\(path)", method: .post, body: .json(Self.record)) { response in
                    #expect(response.status == .unauthorized)
                }
            }
        }
    }
}
