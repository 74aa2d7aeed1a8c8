import Foundation
import LeadEngine
import Testing

@Suite("Campaign rules and registry")
struct CampaignRegistryTests {
    static let valid = CampaignDraft(name: "Spring PI", campaignType: "legal_pi", states: ["CA", "NV"], budgetCents: 100_000)

    static func draft(_ edit: (inout CampaignDraft) -> Void) -> CampaignDraft {
        var draft = Self.valid
        edit(&draft)
        return draft
    }

    static func changes(_ edit: (inout CampaignChanges) -> Void) -> CampaignChanges {
        var changes = CampaignChanges()
        edit(&changes)
        return changes
    }

    let campaigns = InMemoryCampaignRepository()
    let buyers = InMemoryBuyerRepository()
    let clock = ManualClock()
    let identifiers = SequentialIdentifiers()

    var registry: CampaignRegistry {
        CampaignRegistry(repository: self.campaigns, buyers: self.buyers, clock: self.clock, identifiers: self.identifiers)
    }

    private func storeBuyer(id: String, tenantID: String) async throws {
        let now = self.clock.now()
        try await self.buyers.insert(
            Buyer(id: id, tenantID: tenantID, name: id, campaignTypes: [.legalPI], states: ["CA"], maxPriceCents: 100, createdAt: now, updatedAt: now)
        )
    }

    // MARK: problems(in:)

    @Test("a minimal valid draft has no problems")
    func validDraft() {
        #expect(CampaignRegistry.problems(in: Self.valid).isEmpty)
    }

    @Test("every missing required field is named")
    func requiredFields() {
        let problems = CampaignRegistry.problems(in: CampaignDraft())
        #expect(Set(fieldNames(problems)) == ["name", "campaign_type", "states", "budget_cents"])
        #expect(problems.count == 4)
        #expect(problems.allSatisfy { $0.message == "is required" })
        #expect(fieldNames(CampaignRegistry.problems(in: Self.draft { $0.name = nil })) == ["name"])
        #expect(fieldNames(CampaignRegistry.problems(in: Self.draft { $0.campaignType = nil })) == ["campaign_type"])
        #expect(fieldNames(CampaignRegistry.problems(in: Self.draft { $0.states = nil })) == ["states"])
        #expect(fieldNames(CampaignRegistry.problems(in: Self.draft { $0.budgetCents = nil })) == ["budget_cents"])
    }

    @Test("unknown campaign types are refused; every documented type is accepted")
    func campaignTypes() throws {
        let problems = CampaignRegistry.problems(in: Self.draft { $0.campaignType = "pet_insurance" })
        #expect(fieldNames(problems) == ["campaign_type"])
        #expect(try #require(problems.first).message.contains("pet_insurance"))
        #expect(fieldNames(CampaignRegistry.problems(in: Self.draft { $0.campaignType = "" })) == ["campaign_type"])
        for type in CampaignType.allCases {
            #expect(CampaignRegistry.problems(in: Self.draft { $0.campaignType = type.rawValue }).isEmpty)
        }
    }

    @Test("unknown or missing states are refused")
    func states() {
        #expect(fieldNames(CampaignRegistry.problems(in: Self.draft { $0.states = ["CA", "XY"] })) == ["states"])
        #expect(fieldNames(CampaignRegistry.problems(in: Self.draft { $0.states = [] })) == ["states"])
    }

    @Test("negative and excessive budgets are refused")
    func budget() {
        #expect(fieldNames(CampaignRegistry.problems(in: Self.draft { $0.budgetCents = -1 })) == ["budget_cents"])
        #expect(fieldNames(CampaignRegistry.problems(in: Self.draft { $0.budgetCents = FieldRules.maxCents + 1 })) == ["budget_cents"])
        #expect(CampaignRegistry.problems(in: Self.draft { $0.budgetCents = 0 }).isEmpty)
    }

    @Test("max_leads_per_day must not be negative", arguments: [-1, Int.min])
    func maxLeads(value: Int) {
        #expect(fieldNames(CampaignRegistry.problems(in: Self.draft { $0.maxLeadsPerDay = value })) == ["max_leads_per_day"])
    }

    @Test("delivery_webhook must be an absolute http(s) URL", arguments: ["ftp://example.com", "https://", "http://bad host.com", "/relative"])
    func deliveryWebhook(url: String) {
        #expect(fieldNames(CampaignRegistry.problems(in: Self.draft { $0.deliveryWebhook = url })) == ["delivery_webhook"])
    }

    @Test("status is active, paused or archived")
    func status() {
        for status in CampaignStatus.allCases {
            #expect(CampaignRegistry.problems(in: Self.draft { $0.status = status.rawValue }).isEmpty)
        }
        #expect(fieldNames(CampaignRegistry.problems(in: Self.draft { $0.status = "deleted" })) == ["status"])
        #expect(fieldNames(CampaignRegistry.problems(in: Self.draft { $0.status = "Active" })) == ["status"])
    }

    @Test("several bad fields are reported together")
    func manyProblems() {
        let draft = CampaignDraft(
            name: "", campaignType: "x", states: ["ZZ"], budgetCents: -1, maxLeadsPerDay: -1, deliveryWebhook: "nope", status: "gone"
        )
        #expect(
            Set(fieldNames(CampaignRegistry.problems(in: draft)))
                == ["name", "campaign_type", "states", "budget_cents", "max_leads_per_day", "delivery_webhook", "status"]
        )
        let changes = Self.changes {
            $0.budgetCents = .set(-5)
            $0.campaignType = .set("bogus")
            $0.maxLeadsPerDay = .set(-2)
        }
        #expect(Set(fieldNames(CampaignRegistry.problems(in: changes))) == ["budget_cents", "campaign_type", "max_leads_per_day"])
        #expect(CampaignRegistry.problems(in: CampaignChanges()).isEmpty)
    }

    // MARK: create and update

    @Test("create stores a normalised campaign with defaults")
    func create() async throws {
        let campaign = try await self.registry.create(
            Self.draft {
                $0.name = "  Spring PI "
                $0.states = ["NV", "CA", "NV"]
            },
            tenantID: "ten_1"
        )
        #expect(campaign.id == "camp_1")
        #expect(campaign.tenantID == "ten_1")
        #expect(campaign.name == "Spring PI")
        #expect(campaign.campaignType == .legalPI)
        #expect(campaign.states == ["CA", "NV"])
        #expect(campaign.budgetCents == 100_000)
        #expect(campaign.maxLeadsPerDay == nil)
        #expect(campaign.deliveryWebhook == nil)
        #expect(campaign.buyerID == nil)
        #expect(campaign.status == .active)
        #expect(campaign.createdAt == self.clock.now())
        #expect(await self.campaigns.campaign(id: campaign.id, tenantID: "ten_1") == campaign)
    }

    @Test("a campaign may name a buyer of its own tenant only")
    func buyerReference() async throws {
        try await self.storeBuyer(id: "buyer_own", tenantID: "ten_1")
        try await self.storeBuyer(id: "buyer_other", tenantID: "ten_2")

        let own = try await self.registry.create(Self.draft { $0.buyerID = "buyer_own" }, tenantID: "ten_1")
        #expect(own.buyerID == "buyer_own")

        let foreign = await #expect(throws: ValidationError.self) {
            try await self.registry.create(Self.draft { $0.buyerID = "buyer_other" }, tenantID: "ten_1")
        }
        #expect(fieldNames(foreign) == ["buyer_id"])

        let missing = await #expect(throws: ValidationError.self) {
            try await self.registry.create(Self.draft { $0.buyerID = "buyer_missing" }, tenantID: "ten_1")
        }
        #expect(fieldNames(missing) == ["buyer_id"])
        #expect(await self.campaigns.stored.count == 1)
    }

    // Regression: create once validated the fields first and threw, so an unknown buyer_id was
    // reported only after every other field was fixed; update checked buyer_id alone.
    @Test("an unknown buyer_id is reported together with the other bad fields")
    func buyerReferenceReportedWithOtherFields() async throws {
        try await self.storeBuyer(id: "buyer_other", tenantID: "ten_2")
        let error = await #expect(throws: ValidationError.self) {
            try await self.registry.create(
                Self.draft {
                    $0.budgetCents = -1
                    $0.buyerID = "buyer_other"
                },
                tenantID: "ten_1"
            )
        }
        #expect(Set(fieldNames(error)) == ["budget_cents", "buyer_id"])

        let campaign = try await self.registry.create(Self.valid, tenantID: "ten_1")
        let updateError = await #expect(throws: ValidationError.self) {
            try await self.registry.update(
                id: campaign.id, tenantID: "ten_1",
                changes: Self.changes {
                    $0.status = .set("deleted")
                    $0.buyerID = .set("buyer_other")
                }
            )
        }
        #expect(Set(fieldNames(updateError)) == ["status", "buyer_id"])
    }

    @Test("updating buyer_id to another tenant's buyer is refused and changes nothing")
    func updateForeignBuyer() async throws {
        try await self.storeBuyer(id: "buyer_other", tenantID: "ten_2")
        let campaign = try await self.registry.create(Self.valid, tenantID: "ten_1")
        let error = await #expect(throws: ValidationError.self) {
            try await self.registry.update(id: campaign.id, tenantID: "ten_1", changes: Self.changes { $0.buyerID = .set("buyer_other") })
        }
        #expect(fieldNames(error) == ["buyer_id"])
        #expect(await self.campaigns.campaign(id: campaign.id, tenantID: "ten_1") == campaign)
    }

    @Test("update sets fields, clears nullable ones with .set(nil), and stamps updatedAt")
    func update() async throws {
        try await self.storeBuyer(id: "buyer_own", tenantID: "ten_1")
        let campaign = try await self.registry.create(
            Self.draft {
                $0.maxLeadsPerDay = 50
                $0.deliveryWebhook = "https://deliver.example.com"
                $0.buyerID = "buyer_own"
            },
            tenantID: "ten_1"
        )
        self.clock.advance(byMilliseconds: 60_000)
        let paused = try await self.registry.update(
            id: campaign.id, tenantID: "ten_1",
            changes: Self.changes {
                $0.status = .set("paused")
                $0.budgetCents = .set(5)
                $0.campaignType = .set("solar")
            }
        )
        #expect(paused.status == .paused)
        #expect(paused.budgetCents == 5)
        #expect(paused.campaignType == .solar)
        #expect(paused.maxLeadsPerDay == 50)
        #expect(paused.deliveryWebhook == "https://deliver.example.com")
        #expect(paused.buyerID == "buyer_own")
        #expect(paused.createdAt == campaign.createdAt)
        #expect(paused.updatedAt == self.clock.now())

        let cleared = try await self.registry.update(
            id: campaign.id, tenantID: "ten_1",
            changes: Self.changes {
                $0.maxLeadsPerDay = .set(nil)
                $0.deliveryWebhook = .set(nil)
                $0.buyerID = .set(nil)
            }
        )
        #expect(cleared.maxLeadsPerDay == nil)
        #expect(cleared.deliveryWebhook == nil)
        #expect(cleared.buyerID == nil)
        #expect(cleared.status == .paused)
        #expect(await self.campaigns.campaign(id: campaign.id, tenantID: "ten_1") == cleared)
    }

    @Test("an invalid update leaves the stored campaign unchanged")
    func invalidUpdate() async throws {
        let campaign = try await self.registry.create(Self.valid, tenantID: "ten_1")
        let error = await #expect(throws: ValidationError.self) {
            try await self.registry.update(
                id: campaign.id, tenantID: "ten_1",
                changes: Self.changes {
                    $0.name = .set("ok")
                    $0.states = .set(["??"])
                }
            )
        }
        #expect(fieldNames(error) == ["states"])
        #expect(await self.campaigns.campaign(id: campaign.id, tenantID: "ten_1") == campaign)
    }

    @Test("updating an unknown id, or another tenant's campaign, is NotFound")
    func updateUnknown() async throws {
        let campaign = try await self.registry.create(Self.valid, tenantID: "ten_1")
        let unknown = await #expect(throws: NotFoundError.self) {
            try await self.registry.update(id: "camp_missing", tenantID: "ten_1", changes: Self.changes { $0.status = .set("paused") })
        }
        #expect(unknown == NotFoundError(entity: "campaign", id: "camp_missing"))
        await #expect(throws: NotFoundError.self) {
            try await self.registry.update(id: campaign.id, tenantID: "ten_2", changes: Self.changes { $0.status = .set("paused") })
        }
        await #expect(throws: NotFoundError.self) { try await self.registry.profile(id: campaign.id, tenantID: "ten_2") }
        #expect(await self.campaigns.campaign(id: campaign.id, tenantID: "ten_1")?.status == .active)
    }

    @Test("profile without sales: zero performance, whole budget remaining")
    func profileWithoutSales() async throws {
        let campaign = try await self.registry.create(Self.valid, tenantID: "ten_1")
        let profile = try await self.registry.profile(id: campaign.id, tenantID: "ten_1")
        #expect(profile.performance == .none)
        #expect(profile.budgetRemainingCents == 100_000)
        #expect(profile.performance.sales.averageCostCents == 0)
        #expect(profile.performance.sales.acceptanceRate == 0)
    }

    @Test("a campaign's budget spends sale prices; a return gives its price back, an admin refund does not; never below zero")
    func budgetArithmetic() {
        let now = Date(epochMilliseconds: 0)
        let campaign = Campaign(id: "c", tenantID: "t", name: "c", campaignType: .solar, states: ["CA"], budgetCents: 10_000, createdAt: now, updatedAt: now)
        let performance = CampaignPerformance(sales: SalesFigures(sold: 4, grossCents: 10_000, returned: 1, returnedCents: 4_000, refundsCents: 5_000))
        #expect(performance.budgetSpentCents == 6_000)
        #expect(performance.budgetRemainingCents(of: campaign) == 4_000)
        #expect(CampaignPerformance(sales: SalesFigures(sold: 1, grossCents: 20_000)).budgetRemainingCents(of: campaign) == 0)
    }
}
