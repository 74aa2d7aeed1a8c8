import Synchronization

/// Set once when a service is asked to stop; read by its loop between units of work.
final class StopSignal: Sendable {
    private let flag = Atomic<Bool>(false)

    func set() { self.flag.store(true, ordering: .releasing) }
    var isSet: Bool { self.flag.load(ordering: .acquiring) }
}
