import CoreMetrics
import Dispatch
import HTTPTypes
import Hummingbird
import Synchronization

/// Request counts and latency histograms by route template, method and status, recorded into the
/// application's own metrics factory (not the process-wide one, so several apps can share a process).
struct RouteMetricsMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    let recorders: RouteRecorders

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = DispatchTime.now().uptimeNanoseconds
        let response = try await next(request, context)
        self.recorders.record(
            route: context.endpointPath ?? "unmatched", method: request.method.rawValue, status: response.status.code,
            nanoseconds: Int64(DispatchTime.now().uptimeNanoseconds - start)
        )
        return response
    }
}

/// The metric handles per (route, method, status), made once each: the label set is bounded by
/// route templates, never by raw paths.
final class RouteRecorders: Sendable {
    struct Key: Hashable {
        var route: String
        var method: String
        var status: Int
    }

    struct Recorder: Sendable {
        var requests: Counter
        var duration: Timer
    }

    private let factory: any MetricsFactory
    private let recorders = Mutex<[Key: Recorder]>([:])

    init(factory: any MetricsFactory) {
        self.factory = factory
    }

    /// Counts one answered request and its duration; both lanes record here.
    func record(route: String, method: String, status: Int, nanoseconds: Int64) {
        let recorder = self.recorder(route: route, method: method, status: status)
        recorder.requests.increment()
        recorder.duration.recordNanoseconds(nanoseconds)
    }

    func recorder(route: String, method: String, status: Int) -> Recorder {
        let key = Key(route: route, method: method, status: status)
        return self.recorders.withLock { recorders in
            if let recorder = recorders[key] { return recorder }
            let dimensions = [("route", route), ("method", method), ("status", String(status))]
            let recorder = Recorder(
                requests: Counter(label: "ezleeds_http_requests_total", dimensions: dimensions, factory: self.factory),
                duration: Timer(label: "ezleeds_http_request_duration_seconds", dimensions: dimensions, factory: self.factory)
            )
            recorders[key] = recorder
            return recorder
        }
    }
}
