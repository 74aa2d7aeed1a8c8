import Foundation
import Testing
@testable import LeadAPI

@Suite("HTTP Date header")
struct HTTPDateTests {
    @Test("the fast lane's Date header matches an IMF-fixdate formatter, across years, leap days and weekdays")
    func imfFixdate() {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        var samples: [Int64] = [0, 86_399, 951_782_400, 1_776_000_000, 4_107_542_399]
        for _ in 0..<500 { samples.append(Int64.random(in: 0...4_102_444_800)) }
        for seconds in samples {
            #expect(HTTPDate.format(epochSeconds: seconds) == formatter.string(from: Date(timeIntervalSince1970: Double(seconds))), "\(seconds)")
        }
    }
}
