import Foundation
import LeadEngine
import Testing

@Suite("Buyer rules and registry")
struct BuyerRegistryTests {
    static let valid = BuyerDraft(name: "Smith & Co", campaignTypes: ["legal_pi"], states: ["CA"], maxPriceCents: 5_000)

    static func draft(_ edit: (inout BuyerDraft) -> Void) -> BuyerDraft {
        var draft = Self.valid
        edit(&draft)
        return draft
    }

    static func changes(_ edit: (inout BuyerChanges) -> Void) -> BuyerChanges {
        var changes = BuyerChanges()
        edit(&changes)
        return changes
    }

    let repository = InMemoryBuyerRepository()
    let index = BuyerIndex()
    let clock = ManualClock()
    let identifiers = SequentialIdentifiers()

    var registry: BuyerRegistry {
        BuyerRegistry(repository: self.repository, index: self.index, clock: self.clock, identifiers: self.identifiers)
    }

    // MARK: problems(in: BuyerDraft)

    @Test("a minimal valid draft has no problems")
    func validDraft() {
        #expect(BuyerRegistry.problems(in: Self.valid).isEmpty)
    }

    @Test("every missing required field is named")
    func requiredFields() {
        let problems = BuyerRegistry.problems(in: BuyerDraft())
        #expect(Set(fieldNames(problems)) == ["name", "campaign_types", "states", "max_price_cents"])
        #expect(problems.count == 4)
        #expect(problems.allSatisfy { $0.message == "is required" })
    }

    @Test("each required field alone is reported when missing")
    func eachRequiredField() {
        #expect(fieldNames(BuyerRegistry.problems(in: Self.draft { $0.name = nil })) == ["name"])
        #expect(fieldNames(BuyerRegistry.problems(in: Self.draft { $0.campaignTypes = nil })) == ["campaign_types"])
        #expect(fieldNames(BuyerRegistry.problems(in: Self.draft { $0.states = nil })) == ["states"])
        #expect(fieldNames(BuyerRegistry.problems(in: Self.draft { $0.maxPriceCents = nil })) == ["max_price_cents"])
    }

    @Test("names: blank and over 200 characters are refused; 200 is fine")
    func names() {
        #expect(fieldNames(BuyerRegistry.problems(in: Self.draft { $0.name = "" })) == ["name"])
        #expect(fieldNames(BuyerRegistry.problems(in: Self.draft { $0.name = " \t\n " })) == ["name"])
        #expect(fieldNames(BuyerRegistry.problems(in: Self.draft { $0.name = String(repeating: "a", count: 201) })) == ["name"])
        #expect(BuyerRegistry.problems(in: Self.draft { $0.name = String(repeating: "a", count: 200) }).isEmpty)
    }

    @Test("unknown state codes are named in the message")
    func unknownStates() throws {
        let problems = BuyerRegistry.problems(in: Self.draft { $0.states = ["CA", "XX", "ca", "PR"] })
        #expect(fieldNames(problems) == ["states"])
        let message = try #require(problems.first?.message)
        #expect(message.contains("XX"))
        #expect(message.contains("ca"))
        #expect(message.contains("PR"))
        #expect(fieldNames(BuyerRegistry.problems(in: Self.draft { $0.states = [] })) == ["states"])
        #expect(BuyerRegistry.problems(in: Self.draft { $0.states = ["DC", "WY", "CA"] }).isEmpty)
    }

    @Test("unknown or empty campaign types are refused")
    func unknownCampaignTypes() throws {
        let problems = BuyerRegistry.problems(in: Self.draft { $0.campaignTypes = ["legal_pi", "crypto"] })
        #expect(fieldNames(problems) == ["campaign_types"])
        #expect(try #require(problems.first).message.contains("crypto"))
        #expect(fieldNames(BuyerRegistry.problems(in: Self.draft { $0.campaignTypes = [] })) == ["campaign_types"])
        #expect(fieldNames(BuyerRegistry.problems(in: Self.draft { $0.campaignTypes = ["LEGAL_PI"] })) == ["campaign_types"])
        #expect(BuyerRegistry.problems(in: Self.draft { $0.campaignTypes = CampaignType.allCases.map(\.rawValue) }).isEmpty)
    }

    @Test("prices: negative and above the ceiling are refused; zero and the ceiling are fine")
    func cents() {
        #expect(fieldNames(BuyerRegistry.problems(in: Self.draft { $0.maxPriceCents = -1 })) == ["max_price_cents"])
        #expect(fieldNames(BuyerRegistry.problems(in: Self.draft { $0.maxPriceCents = FieldRules.maxCents + 1 })) == ["max_price_cents"])
        #expect(BuyerRegistry.problems(in: Self.draft { $0.maxPriceCents = 0 }).isEmpty)
        #expect(BuyerRegistry.problems(in: Self.draft { $0.maxPriceCents = FieldRules.maxCents }).isEmpty)
    }

    @Test(
        "bad webhook and bid URLs are refused",
        arguments: ["ftp://example.com/hook", "http://", "https:///path", "http:// example.com", "https://exa mple.com/x", "example.com/hook", "", "javascript:alert(1)"]
    )
    func badURLs(url: String) {
        #expect(fieldNames(BuyerRegistry.problems(in: Self.draft { $0.webhookURL = url })) == ["webhook_url"])
        #expect(fieldNames(BuyerRegistry.problems(in: Self.draft { $0.bidURL = url })) == ["bid_url"])
    }

    @Test("good webhook and bid URLs are accepted")
    func goodURLs() {
        let draft = Self.draft {
            $0.webhookURL = "https://hooks.example.com/leads?x=1"
            $0.bidURL = "http://bids.example.com:8080/bid"
        }
        #expect(BuyerRegistry.problems(in: draft).isEmpty)
    }

    @Test("bid_timeout_ms must be 1…2000")
    func bidTimeout() {
        #expect(fieldNames(BuyerRegistry.problems(in: Self.draft { $0.bidTimeoutMilliseconds = 0 })) == ["bid_timeout_ms"])
        #expect(fieldNames(BuyerRegistry.problems(in: Self.draft { $0.bidTimeoutMilliseconds = -10 })) == ["bid_timeout_ms"])
        #expect(fieldNames(BuyerRegistry.problems(in: Self.draft { $0.bidTimeoutMilliseconds = 2_001 })) == ["bid_timeout_ms"])
        #expect(BuyerRegistry.problems(in: Self.draft { $0.bidTimeoutMilliseconds = 1 }).isEmpty)
        #expect(BuyerRegistry.problems(in: Self.draft { $0.bidTimeoutMilliseconds = 2_000 }).isEmpty)
    }

    @Test("zip codes must be 5 digits; an empty list is refused (null means all)")
    func zipCodes() {
        for bad in [["1234"], ["123456"], ["abcde"], ["12 34"], ["90210-1234"], ["90210", "9021"]] {
            #expect(fieldNames(BuyerRegistry.problems(in: Self.draft { $0.zipCodes = bad })) == ["zip_codes"], "\(bad)")
        }
        #expect(fieldNames(BuyerRegistry.problems(in: Self.draft { $0.zipCodes = [] })) == ["zip_codes"])
        #expect(BuyerRegistry.problems(in: Self.draft { $0.zipCodes = ["90210", "00501"] }).isEmpty)
        #expect(BuyerRegistry.problems(in: Self.draft { $0.zipCodes = nil }).isEmpty)
    }

    @Test("exclusivity and status take only their enum values")
    func enums() {
        #expect(fieldNames(BuyerRegistry.problems(in: Self.draft { $0.exclusivity = "solo" })) == ["exclusivity"])
        #expect(fieldNames(BuyerRegistry.problems(in: Self.draft { $0.exclusivity = "Exclusive" })) == ["exclusivity"])
        #expect(fieldNames(BuyerRegistry.problems(in: Self.draft { $0.status = "archived" })) == ["status"])
        #expect(fieldNames(BuyerRegistry.problems(in: Self.draft { $0.status = "" })) == ["status"])
        for exclusivity in Exclusivity.allCases {
            for status in BuyerStatus.allCases {
                #expect(BuyerRegistry.problems(in: Self.draft { $0.exclusivity = exclusivity.rawValue; $0.status = status.rawValue }).isEmpty)
            }
        }
    }

    @Test("daily_cap must not be negative; webhook_secret must be 1…512 bytes")
    func capAndSecret() {
        #expect(fieldNames(BuyerRegistry.problems(in: Self.draft { $0.dailyCap = -1 })) == ["daily_cap"])
        #expect(BuyerRegistry.problems(in: Self.draft { $0.dailyCap = 0 }).isEmpty)
        #expect(fieldNames(BuyerRegistry.problems(in: Self.draft { $0.webhookSecret = "" })) == ["webhook_secret"])
        #expect(fieldNames(BuyerRegistry.problems(in: Self.draft { $0.webhookSecret = String(repeating: "s", count: 513) })) == ["webhook_secret"])
        #expect(BuyerRegistry.problems(in: Self.draft { $0.webhookSecret = String(repeating: "s", count: 512) }).isEmpty)
    }

    @Test("several bad fields are reported together")
    func manyProblemsAtOnce() {
        let draft = BuyerDraft(
            name: " ", campaignTypes: ["nope"], states: ["ZZ"], maxPriceCents: -5, webhookURL: "ftp://x", bidURL: "http://",
            bidTimeoutMilliseconds: 0, exclusivity: "solo", zipCodes: ["1"], dailyCap: -1, status: "deleted"
        )
        let problems = Set(fieldNames(BuyerRegistry.problems(in: draft)))
        #expect(
            problems == [
                "name", "campaign_types", "states", "max_price_cents", "webhook_url", "bid_url", "bid_timeout_ms",
                "exclusivity", "zip_codes", "daily_cap", "status",
            ]
        )
        // A missing required field and a bad optional one are reported together too.
        #expect(Set(fieldNames(BuyerRegistry.problems(in: Self.draft { $0.name = nil; $0.bidTimeoutMilliseconds = 5_000 }))) == ["name", "bid_timeout_ms"])
    }

    // MARK: problems(in: BuyerChanges)

    @Test("an empty change set has no problems; bad changes are all named")
    func changeProblems() {
        #expect(BuyerRegistry.problems(in: BuyerChanges()).isEmpty)
        let bad = Self.changes {
            $0.name = .set("")
            $0.states = .set([])
            $0.maxPriceCents = .set(-1)
            $0.webhookURL = .set("nope")
            $0.status = .set("gone")
        }
        #expect(Set(fieldNames(BuyerRegistry.problems(in: bad))) == ["name", "states", "max_price_cents", "webhook_url", "status"])
        // Clearing nullable fields is always fine.
        let clearing = Self.changes {
            $0.webhookURL = .set(nil)
            $0.webhookSecret = .set(nil)
            $0.bidURL = .set(nil)
            $0.zipCodes = .set(nil)
            $0.dailyCap = .set(nil)
        }
        #expect(BuyerRegistry.problems(in: clearing).isEmpty)
    }

    // MARK: create and update

    @Test("create stores a normalised buyer with defaults and indexes it")
    func create() async throws {
        let draft = BuyerDraft(
            name: "  Smith & Co  ", campaignTypes: ["solar", "legal_pi", "solar"], states: ["TX", "CA", "TX"], maxPriceCents: 4_200,
            webhookURL: "https://hooks.example.com/x", webhookSecret: "whsec", zipCodes: ["90210", "10001", "90210"]
        )
        let buyer = try await self.registry.create(draft, tenantID: "ten_1")
        #expect(buyer.id == "buyer_1")
        #expect(buyer.tenantID == "ten_1")
        #expect(buyer.name == "Smith & Co")
        #expect(buyer.campaignTypes == [.legalPI, .solar])
        #expect(buyer.states == ["CA", "TX"])
        #expect(buyer.zipCodes == ["10001", "90210"])
        #expect(buyer.maxPriceCents == 4_200)
        #expect(buyer.webhookURL == "https://hooks.example.com/x")
        #expect(buyer.webhookSecret == "whsec")
        #expect(buyer.bidURL == nil)
        #expect(buyer.bidTimeoutMilliseconds == Buyer.defaultBidTimeoutMilliseconds)
        #expect(buyer.exclusivity == .shared)
        #expect(buyer.status == .active)
        #expect(buyer.dailyCap == nil)
        #expect(buyer.revision == 1)
        #expect(buyer.createdAt == self.clock.now())
        #expect(buyer.updatedAt == self.clock.now())

        #expect(await self.repository.buyer(id: buyer.id, tenantID: "ten_1") == buyer)
        #expect(self.index.match(tenantID: "ten_1", campaignType: .solar, state: "TX", zipCode: "90210").map(\.id) == [buyer.id])
    }

    @Test("create refuses a bad draft, stores nothing and reports every field")
    func createInvalid() async throws {
        let error = await #expect(throws: ValidationError.self) {
            try await self.registry.create(BuyerDraft(name: "x", states: ["QQ"], maxPriceCents: -1), tenantID: "ten_1")
        }
        #expect(Set(fieldNames(error)) == ["campaign_types", "states", "max_price_cents"])
        #expect(await self.repository.stored.isEmpty)
        #expect(self.index.count == 0)
    }

    @Test("update changes the set fields, bumps the revision and re-indexes")
    func update() async throws {
        let buyer = try await self.registry.create(Self.valid, tenantID: "ten_1")
        self.clock.advance(byMilliseconds: 10_000)
        let updated = try await self.registry.update(
            id: buyer.id, tenantID: "ten_1",
            changes: Self.changes {
                $0.states = .set(["NY"])
                $0.maxPriceCents = .set(9_000)
                $0.exclusivity = .set("exclusive")
                $0.bidTimeoutMilliseconds = .set(1_500)
            }
        )
        #expect(updated.states == ["NY"])
        #expect(updated.maxPriceCents == 9_000)
        #expect(updated.exclusivity == .exclusive)
        #expect(updated.bidTimeoutMilliseconds == 1_500)
        #expect(updated.name == buyer.name)
        #expect(updated.campaignTypes == buyer.campaignTypes)
        #expect(updated.revision == 2)
        #expect(updated.createdAt == buyer.createdAt)
        #expect(updated.updatedAt == self.clock.now())
        #expect(await self.repository.buyer(id: buyer.id, tenantID: "ten_1") == updated)

        #expect(self.index.match(tenantID: "ten_1", campaignType: .legalPI, state: "CA", zipCode: nil).isEmpty)
        #expect(self.index.match(tenantID: "ten_1", campaignType: .legalPI, state: "NY", zipCode: nil) == [updated])
    }

    @Test("nullable fields are cleared with .set(nil); unchanged fields stay")
    func clearNullableFields() async throws {
        let buyer = try await self.registry.create(
            Self.draft {
                $0.webhookURL = "https://a.example.com"
                $0.webhookSecret = "secret"
                $0.bidURL = "https://b.example.com"
                $0.zipCodes = ["90210"]
                $0.dailyCap = 10
            },
            tenantID: "ten_1"
        )
        let keepAll = try await self.registry.update(id: buyer.id, tenantID: "ten_1", changes: BuyerChanges())
        #expect(keepAll.webhookURL == "https://a.example.com")
        #expect(keepAll.webhookSecret == "secret")
        #expect(keepAll.bidURL == "https://b.example.com")
        #expect(keepAll.zipCodes == ["90210"])
        #expect(keepAll.dailyCap == 10)

        let cleared = try await self.registry.update(
            id: buyer.id, tenantID: "ten_1",
            changes: Self.changes {
                $0.webhookURL = .set(nil)
                $0.webhookSecret = .set(nil)
                $0.bidURL = .set(nil)
                $0.zipCodes = .set(nil)
                $0.dailyCap = .set(nil)
            }
        )
        #expect(cleared.webhookURL == nil)
        #expect(cleared.webhookSecret == nil)
        #expect(cleared.bidURL == nil)
        #expect(cleared.zipCodes == nil)
        #expect(cleared.dailyCap == nil)
        #expect(cleared.revision == 3)
        // Without an allow-list every ZIP matches again.
        #expect(self.index.match(tenantID: "ten_1", campaignType: .legalPI, state: "CA", zipCode: "10001").map(\.id) == [buyer.id])
    }

    @Test("an invalid update changes nothing, in the store or the index")
    func invalidUpdate() async throws {
        let buyer = try await self.registry.create(Self.valid, tenantID: "ten_1")
        let error = await #expect(throws: ValidationError.self) {
            try await self.registry.update(
                id: buyer.id, tenantID: "ten_1",
                changes: Self.changes {
                    $0.states = .set(["NY"])
                    $0.maxPriceCents = .set(-3)
                    $0.status = .set("deleted")
                }
            )
        }
        #expect(Set(fieldNames(error)) == ["max_price_cents", "status"])
        #expect(await self.repository.buyer(id: buyer.id, tenantID: "ten_1") == buyer)
        #expect(self.index.match(tenantID: "ten_1", campaignType: .legalPI, state: "CA", zipCode: nil) == [buyer])
    }

    @Test("updating an unknown id, or another tenant's buyer, is NotFound")
    func updateUnknown() async throws {
        let buyer = try await self.registry.create(Self.valid, tenantID: "ten_1")
        let unknown = await #expect(throws: NotFoundError.self) {
            try await self.registry.update(id: "buyer_missing", tenantID: "ten_1", changes: BuyerChanges())
        }
        #expect(unknown == NotFoundError(entity: "buyer", id: "buyer_missing"))

        let foreign = await #expect(throws: NotFoundError.self) {
            try await self.registry.update(id: buyer.id, tenantID: "ten_2", changes: Self.changes { $0.name = .set("stolen") })
        }
        #expect(foreign == NotFoundError(entity: "buyer", id: buyer.id))
        #expect(await self.repository.buyer(id: buyer.id, tenantID: "ten_1")?.name == "Smith & Co")

        await #expect(throws: NotFoundError.self) { try await self.registry.profile(id: buyer.id, tenantID: "ten_2") }
    }

    @Test("profile of a buyer without sales has zero performance")
    func profileWithoutSales() async throws {
        let buyer = try await self.registry.create(Self.valid, tenantID: "ten_1")
        let profile = try await self.registry.profile(id: buyer.id, tenantID: "ten_1")
        #expect(profile.buyer == buyer)
        #expect(profile.performance == .none)
        #expect(profile.performance.sales.acceptanceRate == 0)
    }

    @Test("loadIndex fills the index from the store")
    func loadIndex() async throws {
        let now = self.clock.now()
        try await self.repository.insert(Buyer(id: "b1", tenantID: "t", name: "one", campaignTypes: [.solar], states: ["AZ"], maxPriceCents: 1, createdAt: now, updatedAt: now))
        try await self.repository.insert(Buyer(id: "b2", tenantID: "t", name: "two", campaignTypes: [.solar], states: ["AZ"], maxPriceCents: 2, createdAt: now, updatedAt: now))
        try await self.registry.loadIndex()
        #expect(self.index.count == 2)
        #expect(self.registry.match(tenantID: "t", campaignType: .solar, state: "AZ", zipCode: nil).map(\.id) == ["b2", "b1"])
    }
}
