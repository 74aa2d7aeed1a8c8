import Foundation
import Testing
@testable import LeadAPI

/// Answers the server gives that the OpenAPI document once left out, each found by the fuzzer of
/// `.ci/fuzz-api` (schemathesis' status_code_conformance check), so the document keeps them.
@Suite("OpenAPI document conformance")
struct OpenAPIConformanceTests {
    struct DocumentedAnswer: CustomTestStringConvertible, Sendable {
        var path: String
        var method: String
        var status: String
        var code: String?

        var testDescription: String { "\(self.method.uppercased()) \(self.path) \(self.status) \(self.code ?? "")" }
    }

    static let answers: [DocumentedAnswer] = [
        // PATCH /leads/{id}/internal on a sold lead that would change its buyer or price.
        DocumentedAnswer(path: "/api/v1/leads/{id}/internal", method: "patch", status: "409", code: "sale_fields_locked")
    ]

    @Test("the document lists each answer the fuzzer found missing, as application/problem+json with its code", arguments: Self.answers)
    func documented(_ answer: DocumentedAnswer) throws {
        let document = try #require(try JSONSerialization.jsonObject(with: Data(OpenAPIDocument.encoded)) as? [String: Any])
        let paths = try #require(document["paths"] as? [String: Any])
        let item = try #require(paths[answer.path] as? [String: Any], "no path \(answer.path)")
        let operation = try #require(item[answer.method] as? [String: Any], "no \(answer.method) on \(answer.path)")
        let responses = try #require(operation["responses"] as? [String: Any])
        let response = try #require(responses[answer.status] as? [String: Any], "\(answer.status) is not documented")
        let content = try #require(response["content"] as? [String: Any], "\(answer.status) has no content")
        let problem = try #require(content["application/problem+json"] as? [String: Any], "\(answer.status) is not a problem")
        if let code = answer.code {
            let schema = String(decoding: try JSONSerialization.data(withJSONObject: problem), as: UTF8.self)
            #expect(schema.contains("\"\(code)\""), "\(answer.status) does not name the code \(code)")
        }
    }
}
