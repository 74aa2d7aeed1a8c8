import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import LeadAPI

@Suite("Logged paths: personal data and capabilities masked")
struct LoggedPathTests {
    @Test(
        "phone numbers, emails and unsubscribe tokens are masked; other paths are as they came",
        arguments: [
            ("/api/v1/compliance/dnc/internal/%2B17025551234", "/api/v1/compliance/dnc/internal/+1702…34"),
            ("/api/v1/compliance/dnc/internal/7025551234", "/api/v1/compliance/dnc/internal/702…34"),
            ("/api/v1/leads/jane%40example.com", "/api/v1/leads/j…@example.com"),
            ("/api/v1/unsubscribe/tok_abc.def", "/api/v1/unsubscribe/…"),
            ("/api/v1/buyers/buyer_01a23fb2ae6795b0ede5b000", "/api/v1/buyers/buyer_01a23fb2ae6795b0ede5b000"),
            ("/api/v1/reports/export", "/api/v1/reports/export"), ("/", "/"), ("", ""),
        ]
    )
    func masked(path: String, logged: String) {
        #expect(LoggedPath.masked(path) == logged)
    }
}
