import Hummingbird
import LeadEngine
import NIOCore
import Prometheus

/// Liveness, readiness, Prometheus metrics and the OpenAPI document, all key-less. Health and
/// metrics are never limited (load balancers and scrapers poll them); metrics are for the operator
/// (`MetricsAccess`); the document is limited per client address.
struct SystemRoutes {
    let metrics: PrometheusCollectorRegistry
    let metricsAccess: MetricsAccess
    let storage: StorageHealth
    let saleLog: SaleMaterialiser
    let addressLimit: ClientAddressRateLimitMiddleware

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("healthz") { _, _ in JSONResponse(["status": "ok"]) }
        // Not ready while the store cannot write: the process is alive (healthz), but a balancer
        // should send sellers elsewhere until the disk has room again.
        router.get("readyz") { _, _ in
            guard let failure = self.storage.failure else { return JSONResponse(["status": "ready"]) }
            return JSONResponse(
                status: .serviceUnavailable, headers: [.retryAfter: String(Problem.storageRetryAfterSeconds)],
                ["status": "not_ready", "reason": .string(failure.rawValue)]
            )
        }
        router.get("metrics") { request, context in
            guard self.metricsAccess.allows(address: context.remoteAddress?.ipAddress, authorization: request.headers[.authorization]) else {
                throw Problem.forbidden("Metrics are served to this machine's own clients, and to others with the operator's --metrics-token as a Bearer token.")
            }
            // Taken at the scrape: work behind the answers that has not caught up shows here.
            self.metrics.makeGauge(name: "ezleeds_sale_log_backlog", help: "Sales acknowledged and not yet filled into their tables.")
                .set(self.saleLog.backlogEstimate)
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: self.metrics.emitToBuffer()))
            )
        }
        router.group().add(middleware: self.addressLimit).get("api/v1/openapi.json") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: OpenAPIDocument.encoded))
            )
        }
    }
}
