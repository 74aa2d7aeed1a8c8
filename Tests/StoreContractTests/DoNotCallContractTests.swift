import Foundation
import LeadEngine
import Testing

@Suite("Store contract: do-not-call lists")
struct DoNotCallContractTests {
    @Test("a federal or state list is stored whole, read back equal, and versioned on every save", arguments: StoreUnderTest.all)
    func listsRoundTrip(_ store: StoreUnderTest) async throws {
        try await store.run { s in
            try await Fixtures.seed(s)
            #expect(try await s.doNotCall.list(named: "federal") == nil)
            #expect(try await s.doNotCall.versions().isEmpty)
            // Enough numbers in one area code for its compact forms too.
            let numbers: [UInt64] = [7_025_551_234, 2_125_550_000, 9_999_999_999] + (0..<2_000).map { 3_105_550_000 + UInt64($0) }
            let federal = DoNotCallList.build(numbers)
            try await s.doNotCall.save(federal, named: "federal", areaCodes: nil, nowMilliseconds: Times.base)
            try await s.doNotCall.save(DoNotCallList.build([7_025_550_001]), named: "state:NV", areaCodes: nil, nowMilliseconds: Times.base)
            #expect(try await s.doNotCall.list(named: "federal") == federal)
            #expect(try await s.doNotCall.list(named: "state:NV")?.count == 1)
            #expect(try await s.doNotCall.list(named: "state:CA") == nil)
            let first = try await s.doNotCall.versions()
            #expect(Set(first.keys) == ["federal", "state:NV"])

            // A change list rewrites only the area codes it touches.
            let changed = federal.applying(additions: [7_025_559_999], deletions: [2_125_550_000])
            try await s.doNotCall.save(changed, named: "federal", areaCodes: [702, 212], nowMilliseconds: Times.base + 1)
            #expect(try await s.doNotCall.list(named: "federal") == changed)
            let second = try await s.doNotCall.versions()
            #expect(second["federal"].map { $0 > first["federal"]! } == true)
            #expect(second["state:NV"] == first["state:NV"])

            // An empty list is a list (imported, with nothing on it), not no list.
            try await s.doNotCall.save(.empty, named: "state:NV", areaCodes: nil, nowMilliseconds: Times.base + 2)
            #expect(try await s.doNotCall.list(named: "state:NV") == .empty)
        }
    }

    @Test("a tenant's internal list: additions and removals counted, repeats changing nothing, other tenants apart", arguments: StoreUnderTest.all)
    func internalList(_ store: StoreUnderTest) async throws {
        try await store.run { s in
            try await Fixtures.seed(s)
            let dnc = s.doNotCall
            let added = try await dnc.changeInternal(
                tenantID: "ten_1", additions: [7_025_551_234, 7_025_551_235], deletions: [], source: "import", nowMilliseconds: Times.base
            )
            #expect(added == (added: 2, removed: 0))
            #expect(try await dnc.isOnInternalDoNotCall(tenantID: "ten_1", phone: "+17025551234"))
            #expect(try await !dnc.isOnInternalDoNotCall(tenantID: "ten_2", phone: "+17025551234"))
            #expect(try await !dnc.isOnInternalDoNotCall(tenantID: "ten_1", phone: "+17025551299"))

            let again = try await dnc.changeInternal(
                tenantID: "ten_1", additions: [7_025_551_234], deletions: [7_025_551_235, 7_025_551_299], source: "import", nowMilliseconds: Times.base
            )
            #expect(again == (added: 0, removed: 1))
            #expect(try await !dnc.isOnInternalDoNotCall(tenantID: "ten_1", phone: "+17025551235"))
            await #expect(throws: NotFoundError.self) {
                try await dnc.changeInternal(tenantID: "ten_missing", additions: [7_025_551_234], deletions: [], source: "import", nowMilliseconds: 0)
            }
        }
    }
}
