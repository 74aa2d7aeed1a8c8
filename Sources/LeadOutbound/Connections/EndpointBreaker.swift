import NIOCore

/// Stops asking an endpoint that has stopped answering. After `threshold` timeouts in a row its
/// requests time out at once, without a connection, for `cooldown`; then a single request probes
/// it: an answer (any answer) asks it again as usual, another timeout waits another cooldown.
/// A silent bidder so costs a ping nothing, instead of holding it to its deadline.
public struct EndpointBreaker: Sendable {
    public struct Settings: Sendable {
        public var threshold: Int
        public var cooldown: TimeAmount

        public init(threshold: Int = 16, cooldown: TimeAmount = .seconds(1)) {
            precondition(threshold > 0)
            self.threshold = threshold
            self.cooldown = cooldown
        }
    }

    enum Admission: Equatable {
        case ask(probe: Bool)
        case refuse(String)
    }

    private enum State: Sendable {
        case closed(consecutiveTimeouts: Int)
        case open(until: NIODeadline)
        /// A probe is out; should its outcome never be recorded, another may go after `until`.
        case probing(until: NIODeadline)
    }

    /// Longer than any bid request may take (timeouts are at most 2 s).
    static let probeLimit: TimeAmount = .seconds(5)

    let settings: Settings
    private var state = State.closed(consecutiveTimeouts: 0)

    init(settings: Settings) {
        self.settings = settings
    }

    mutating func admit(now: NIODeadline) -> Admission {
        switch self.state {
        case .closed:
            return .ask(probe: false)
        case .open(let until) where now < until:
            return .refuse(self.refusal)
        case .open:
            self.state = .probing(until: now + Self.probeLimit)
            return .ask(probe: true)
        case .probing(let until) where now < until:
            return .refuse(self.refusal)
        case .probing:
            self.state = .probing(until: now + Self.probeLimit)
            return .ask(probe: true)
        }
    }

    mutating func record(answered: Bool, probe: Bool, now: NIODeadline) {
        if answered {
            self.state = .closed(consecutiveTimeouts: 0)
            return
        }
        switch self.state {
        case .closed(let timeouts) where timeouts + 1 >= self.settings.threshold:
            self.state = .open(until: now + self.settings.cooldown)
        case .closed(let timeouts):
            self.state = .closed(consecutiveTimeouts: timeouts + 1)
        case .probing where probe:
            self.state = .open(until: now + self.settings.cooldown)
        case .open, .probing:
            break
        }
    }

    private var refusal: String {
        "the endpoint stopped answering (\(self.settings.threshold) timeouts in a row); not asked until it answers a probe"
    }
}
