import LeadEngine
import Logging

extension StorageHealth.Change {
    /// The operator's lines for a failing disk: one when writes start failing (then one a minute
    /// while they still do), one when they work again.
    func log(to logger: Logger) {
        switch self {
        case .failing(let reason, let failures):
            logger.error(
                "store cannot write; pings and writes answer 503 storage_unavailable until it can",
                metadata: ["reason": "\(reason.rawValue)", "failures": "\(failures)"]
            )
        case .recovered(let failures, let milliseconds):
            logger.notice("store writes again", metadata: ["failures": "\(failures)", "failing_ms": "\(milliseconds)"])
        }
    }
}
