import Hummingbird
import LeadEngine

/// `/dashboard/sequences` and `/dashboard/domains`: enrollments and each step's outcomes, and each
/// sending domain's DNS checks.
struct DashboardOutreachPages {
    /// Outcomes as columns, in the order a step goes through them; `claimed` is a send under way.
    static let outcomes: [AttemptOutcome] = [.sent, .skipped, .deferred, .notReached, .failed, .blocked, .unknown, .claimed]

    let pages: OperatorPages
    let sequences: SequenceRegistry
    let domains: DomainRegistry
    let page: DashboardPage

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("sequences", use: self.sequenceBoard)
        group.get("domains", use: self.domainBoard)
    }

    @Sendable func sequenceBoard(_ request: Request, context: AppRequestContext) async throws -> Response {
        let tenantID = try context.requirePrincipal().tenantID
        let listed = try await self.sequences.list(tenantID: tenantID, page: PageRequest(page: 1, perPage: PageRequest.maxPerPage))
        let outcomes = try await self.sequences.stepOutcomes(sequenceIDs: listed.items.map(\.sequence.id), tenantID: tenantID)
        let values: [String: Any] = [
            "outcomeNames": Self.outcomes.map(\.rawValue),
            "sequences": listed.items.map { profile -> [String: Any] in
                let sequence = profile.sequence
                let counts = profile.counts
                return [
                    "id": sequence.id, "name": sequence.name, "status": sequence.status.rawValue,
                    "counts": [
                        ("enrolled", "Enrolled", counts.enrolled), ("active", "Active", counts.active), ("completed", "Completed", counts.completed),
                        ("ended", "Ended early", counts.ended), ("removed", "Removed", counts.removed), ("converted", "Converted", counts.converted),
                    ].map { ["name": $0.0, "label": $0.1, "value": $0.2] as [String: Any] },
                    "steps": sequence.steps.enumerated().map { index, step -> [String: Any] in
                        let byOutcome = outcomes[sequence.id]?[index + 1] ?? [:]
                        return [
                            "number": index + 1, "channel": step.channel.rawValue, "delay": Self.delay(minutes: step.delayMinutes),
                            "outcomes": Self.outcomes.map { ["name": $0.rawValue, "count": byOutcome[$0] ?? 0] as [String: Any] },
                        ]
                    },
                ]
            },
            "morePages": listed.total > listed.items.count, "shown": listed.items.count,
        ]
        return self.page.render(
            "sequences", title: "Sequences", values: values, session: context.dashboardSession,
            tenantName: try await self.pages.tenantName(tenantID: tenantID), current: "sequences"
        )
    }

    @Sendable func domainBoard(_ request: Request, context: AppRequestContext) async throws -> Response {
        let tenantID = try context.requirePrincipal().tenantID
        let listed = try await self.domains.list(tenantID: tenantID, page: PageRequest(page: 1, perPage: PageRequest.maxPerPage))
        let values: [String: Any] = [
            "domains": listed.items.map { domain -> [String: Any] in
                [
                    "id": domain.id, "name": domain.name.description, "status": domain.status.rawValue,
                    "checked": DashboardFormat.time(domain.checkedAt), "verified": DashboardFormat.time(domain.verifiedAt),
                    "failingSince": domain.failingSince.map { DashboardFormat.time($0) as Any } ?? false,
                    "checks": domain.checks.map { check -> [String: Any] in
                        [
                            "record": check.record.rawValue, "name": check.name, "outcome": check.outcome.rawValue, "found": check.found,
                            "reason": check.reason ?? "",
                        ]
                    },
                ]
            },
            "morePages": listed.total > listed.items.count, "shown": listed.items.count,
        ]
        return self.page.render(
            "domains", title: "Sending domains", values: values, session: context.dashboardSession,
            tenantName: try await self.pages.tenantName(tenantID: tenantID), current: "domains"
        )
    }

    /// A step's delay after the one before, as a person says it.
    static func delay(minutes: Int) -> String {
        if minutes == 0 { return "at once" }
        if minutes % 1440 == 0 { return "\(minutes / 1440) d" }
        if minutes % 60 == 0 { return "\(minutes / 60) h" }
        return "\(minutes) min"
    }
}
