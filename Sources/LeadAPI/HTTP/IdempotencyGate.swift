import HTTPTypes
import Hummingbird
import LeadEngine
import NIOCore

extension HTTPField.Name {
    static let idempotencyKey = Self("Idempotency-Key")!
    static let idempotentReplayed = Self("Idempotent-Replayed")!
}

/// Makes a POST safe to retry: under an `Idempotency-Key` header, the first request's answer is
/// stored and replayed to every retry with the same key and body; the same key with another
/// body is a 422, and while the first is still running a retry is a 409. Keys are scoped to the
/// tenant and endpoint and kept 24 hours. Without the header the request simply runs.
struct IdempotencyGate: Sendable {
    /// A claim this old that never completed belonged to a process that died; a retry takes it over.
    static let staleAfterMilliseconds: Int64 = 60_000
    static let keptMilliseconds: Int64 = 24 * 3_600_000

    let repository: any IdempotencyRepository
    let clock: any EngineClock

    func run(
        _ request: Request, principal: Principal, endpoint: String, body: ByteBuffer, _ operation: () async throws -> JSONResponse
    ) async throws -> JSONResponse {
        guard var key = request.headers[.idempotencyKey] else { return try await operation() }
        // The IETF draft sends the key as a structured-field string: quoted.
        if key.count >= 2, key.hasPrefix("\""), key.hasSuffix("\"") { key = String(key.dropFirst().dropLast()) }
        guard IdempotentRequest.isValidKey(key) else {
            throw Problem(
                status: .badRequest, code: "invalid_idempotency_key", title: "Invalid Idempotency-Key",
                detail: "Idempotency-Key must be 1 to 255 visible ASCII characters, such as a UUID."
            )
        }
        let idempotent = IdempotentRequest(
            tenantID: principal.tenantID, endpoint: endpoint, key: key, body: body.readableBytesView
        )
        switch try await self.repository.claim(
            idempotent, nowMilliseconds: self.clock.nowMilliseconds(), staleAfterMilliseconds: Self.staleAfterMilliseconds
        ) {
        case .replay(let status, let body):
            return JSONResponse(status: HTTPResponse.Status(code: status), headers: [.idempotentReplayed: "true"], encoded: body)
        case .mismatch:
            throw Problem(
                status: .unprocessableContent, code: "idempotency_key_reused", title: "Idempotency-Key reused",
                detail: "This Idempotency-Key was used with a different request body; use a new key for a new request."
            )
        case .inProgress:
            throw Problem(
                status: .conflict, code: "idempotency_key_in_use", title: "Request in progress",
                detail: "A request with this Idempotency-Key is still being processed; retry once it has answered."
            )
        case .proceed:
            let response: JSONResponse
            do {
                response = try await operation()
            } catch {
                // Failed requests change nothing (each use case is one transaction), so a retry runs afresh.
                try? await self.repository.abandon(idempotent)
                throw error
            }
            // The operation committed: its answer goes out even if storing it fails, and then a
            // retry finds the key in progress, and after a minute runs afresh.
            try? await self.repository.complete(idempotent, status: Int(response.status.code), body: response.bytes)
            return response
        }
    }
}
