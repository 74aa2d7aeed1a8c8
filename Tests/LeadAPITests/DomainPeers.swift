import LeadEngine
import Synchronization

/// DNS as a table the test writes: names it does not hold do not exist.
final class ScriptedTXTResolver: TXTResolver {
    let answers = Mutex<[String: TXTLookup]>([:])
    let lookups = Mutex<[String]>([])

    func txtRecords(at name: String) async -> TXTLookup {
        self.lookups.withLock { $0.append(name) }
        return self.answers.withLock { $0[name] } ?? .nonexistent
    }

    /// Publishes every record of an API answer's `dns_records`.
    func publish(_ records: [[String: Any]]) {
        self.answers.withLock { answers in
            for record in records {
                guard let name = record["name"] as? String, let value = record["value"] as? String else { continue }
                answers[name] = .records([value])
            }
        }
    }
}

/// One RSA key for every domain of the test run: generating RSA-2048 costs a test a fraction of a second.
struct FixedDKIMKey: DKIMKeySource {
    static let pair: DKIMKeyPair = {
        do { return try DKIMKeyPair.generate() } catch { fatalError("cannot make the test DKIM key: \(error)") }
    }()

    func makeKey() throws -> DKIMKeyPair { Self.pair }
}

/// A mail relay that takes every message and keeps it.
final class RecordingMailTransport: MailTransport {
    struct Delivery: Sendable {
        var from: String
        var to: String
        var message: String
    }

    let deliveries = Mutex<[Delivery]>([])

    func deliver(from envelopeSender: String, to recipient: String, message: String) async -> SendOutcome {
        let count = self.deliveries.withLock { list in
            list.append(Delivery(from: envelopeSender, to: recipient, message: message))
            return list.count
        }
        return .sent(providerID: "250 2.0.0 Ok: queued as Q\(count)")
    }

    var messages: [Delivery] { self.deliveries.withLock { $0 } }
}
