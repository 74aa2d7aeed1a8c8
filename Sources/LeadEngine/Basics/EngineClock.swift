import Foundation
import Synchronization

/// Wall-clock time for the engine, injected so that expiry, windows and rate limits are testable.
public protocol EngineClock: Sendable {
    /// Milliseconds since the Unix epoch.
    func nowMilliseconds() -> Int64
}

extension EngineClock {
    public func now() -> Date {
        Date(timeIntervalSince1970: Double(self.nowMilliseconds()) / 1000)
    }
}

public struct SystemClock: EngineClock {
    public init() {}

    public func nowMilliseconds() -> Int64 {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Int64(spec.tv_sec) * 1000 + Int64(spec.tv_nsec) / 1_000_000
    }
}

/// A clock that moves only when told to; for tests and simulations.
public final class ManualClock: EngineClock {
    private let milliseconds: Mutex<Int64>

    public init(milliseconds: Int64 = 1_776_000_000_000) {
        self.milliseconds = Mutex(milliseconds)
    }

    public func nowMilliseconds() -> Int64 {
        self.milliseconds.withLock { $0 }
    }

    public func advance(byMilliseconds delta: Int64) {
        self.milliseconds.withLock { $0 += delta }
    }

    public func set(milliseconds: Int64) {
        self.milliseconds.withLock { $0 = milliseconds }
    }
}

extension Date {
    /// Milliseconds since the Unix epoch, the unit the store keeps times in.
    public var epochMilliseconds: Int64 {
        Int64((self.timeIntervalSince1970 * 1000).rounded())
    }

    public init(epochMilliseconds: Int64) {
        self.init(timeIntervalSince1970: Double(epochMilliseconds) / 1000)
    }
}
