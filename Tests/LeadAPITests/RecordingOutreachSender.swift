import LeadEngine
import Synchronization

/// A channel that records every touch and answers from a script (then `sent`).
final class RecordingOutreachSender: OutreachSender {
    private let state: Mutex<(sent: [OutreachMessage], script: [SendOutcome])>

    init(script: [SendOutcome] = []) {
        self.state = Mutex((sent: [], script: script))
    }

    func send(_ message: OutreachMessage) async -> SendOutcome {
        self.state.withLock { state in
            state.sent.append(message)
            return state.script.isEmpty ? .sent(providerID: "SM\(state.sent.count)") : state.script.removeFirst()
        }
    }

    var messages: [OutreachMessage] { self.state.withLock { $0.sent } }
}
