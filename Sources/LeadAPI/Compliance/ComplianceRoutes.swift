import Foundation
import Hummingbird
import LeadEngine

/// `/api/v1/compliance`: state rules, the outreach pre-flight and do-not-call look-ups.
struct ComplianceRoutes {
    let rules: StateRuleBook
    let outreach: OutreachCheck
    let doNotCall: any DoNotCallLookup
    let doNotCallStore: any DoNotCallStore
    let clock: any EngineClock

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("rules", use: self.allRules)
        group.get("rules/:state", use: self.stateRules)
        group.post("check-outreach", use: self.checkOutreach)
        group.post("dnc-check", use: self.doNotCallCheck)
        group.post("dnc/internal", use: self.addInternal)
        group.delete("dnc/internal/:phone", use: self.removeInternal)
    }

    /// An addition to the spec: put a number on the account's internal do-not-call list.
    @Sendable func addInternal(_ request: Request, context: AppRequestContext) async throws -> JSONResponse {
        let principal = try context.requirePrincipal()
        var request = request
        var body = try await request.jsonObject(context: context)
        let phone = body.string("phone")
        let reason = body.string("reason")
        var problems = FieldErrors()
        let e164 = Self.phone(phone, lacking: body.lacks("phone"), into: &problems)
        if let reason, reason.utf8.count > 200 { problems.add("reason", "must be at most 200 bytes") }
        try throwFieldErrors(body) { problems.all }
        try problems.throwIfAny()
        guard let e164, let number = DoNotCallList.number(fromE164: e164) else { throw Problem.invalidFields(problems.all) }
        let result = try await self.doNotCallStore.changeInternal(
            tenantID: principal.tenantID, additions: [number], deletions: [], source: "api:" + (reason ?? "added"),
            nowMilliseconds: self.clock.nowMilliseconds()
        )
        return JSONResponse(status: result.added == 1 ? .created : .ok, ["phone": .string(e164), "on_internal_dnc": true, "added": .bool(result.added == 1)])
    }

    /// An addition to the spec: take a number off the account's internal list; 404 when it is not on it.
    @Sendable func removeInternal(_ request: Request, context: AppRequestContext) async throws -> JSONResponse {
        let principal = try context.requirePrincipal()
        let raw = try context.parameters.require("phone")
        var problems = FieldErrors()
        guard let e164 = Self.phone(raw.removingPercentEncoding ?? raw, lacking: false, into: &problems),
            let number = DoNotCallList.number(fromE164: e164)
        else {
            throw Problem.invalidFields(problems.all)
        }
        let result = try await self.doNotCallStore.changeInternal(
            tenantID: principal.tenantID, additions: [], deletions: [number], source: "api", nowMilliseconds: self.clock.nowMilliseconds()
        )
        guard result.removed == 1 else { throw Problem.notFound("\(e164) is not on this account's internal do-not-call list.") }
        return JSONResponse(["phone": .string(e164), "on_internal_dnc": false, "removed": true])
    }

    @Sendable func allRules(_ request: Request, context: AppRequestContext) async throws -> JSONResponse {
        _ = try context.requirePrincipal()
        var states: [String: JSONValue] = [:]
        for rule in self.rules.all { states[rule.code] = Self.resource(rule, federalFloor: self.rules.federalFloor) }
        return JSONResponse(["states": .object(states), "total": .int(states.count), "source_document": .string(self.rules.sourceDocument)])
    }

    @Sendable func stateRules(_ request: Request, context: AppRequestContext) async throws -> JSONResponse {
        _ = try context.requirePrincipal()
        let code = try context.parameters.require("state")
        guard let rule = self.rules.rule(for: code) else {
            throw Problem.notFound("No rules for \(code): use the two-letter code of one of the 50 states or DC.")
        }
        return JSONResponse(Self.resource(rule, federalFloor: self.rules.federalFloor))
    }

    @Sendable func checkOutreach(_ request: Request, context: AppRequestContext) async throws -> JSONResponse {
        let principal = try context.requirePrincipal()
        var request = request
        var body = try await request.jsonObject(context: context)
        let phone = body.string("phone")
        let state = body.string("state")
        let channel = body.string("channel")
        let campaignType = body.string("campaign_type")
        let hasConsent = body.bool("has_consent")
        let certificateID = body.string("certificate_id")
        let calls = body.int("calls_last_24h")
        let at = body.string("at")
        var problems = FieldErrors()
        let e164 = Self.phone(phone, lacking: body.lacks("phone"), into: &problems)
        Self.state(state, lacking: body.lacks("state"), into: &problems)
        var outreachChannel: OutreachChannel?
        if let channel {
            outreachChannel = OutreachChannel(rawValue: channel)
            if outreachChannel == nil { problems.add("channel", "must be one of call, sms, email") }
        } else if body.lacks("channel") {
            problems.add("channel", "is required")
        }
        let type = campaignType.flatMap { FieldRules.campaignType($0, field: "campaign_type", into: &problems) }
        if let calls, calls < 0 { problems.add("calls_last_24h", "must be 0 or more") }
        var atMilliseconds: Int64?
        if let at {
            if let date = try? Date(at, strategy: Date.ISO8601FormatStyle()) { atMilliseconds = date.epochMilliseconds } else {
                problems.add("at", "must be an RFC 3339 time such as 2026-04-22T14:30:00Z")
            }
        }
        try throwFieldErrors(body) { problems.all }
        try problems.throwIfAny()
        guard let e164, let state, let outreachChannel else { throw Problem.invalidFields(problems.all) }
        let verdict = try await self.outreach.check(
            OutreachRequest(
                phone: e164, state: state, channel: outreachChannel, campaignType: type, hasConsent: hasConsent, certificateID: certificateID,
                callsLast24Hours: calls, atMilliseconds: atMilliseconds
            ),
            tenantID: principal.tenantID
        )
        return JSONResponse([
            "allowed": .bool(verdict.allowed),
            "checks": [
                "state_rules": .string(verdict.stateRules.rawValue), "time_window": .string(verdict.timeWindow.rawValue),
                "consent_valid": .string(verdict.consentValid.rawValue), "dnc_clear": .string(verdict.doNotCallClear.rawValue),
            ],
            "warnings": .strings(verdict.warnings),
            "reasons": .strings(verdict.reasons),
            "evaluated_at": .timestamp(Date(epochMilliseconds: verdict.atMilliseconds)),
            "local_times": .array((verdict.window?.zones ?? []).map { zone in
                [
                    "timezone": .string(zone.timeZone), "date": .string(zone.localDate), "time": .string(zone.localTime),
                    "weekday": .string(zone.weekday.name), "window": Self.window(zone.hours),
                    "open": .bool(zone.open),
                ]
            }),
        ])
    }

    @Sendable func doNotCallCheck(_ request: Request, context: AppRequestContext) async throws -> JSONResponse {
        let principal = try context.requirePrincipal()
        var request = request
        var body = try await request.jsonObject(context: context)
        let phone = body.string("phone")
        let state = body.string("state")
        var problems = FieldErrors()
        let e164 = Self.phone(phone, lacking: body.lacks("phone"), into: &problems)
        Self.state(state, lacking: body.lacks("state"), into: &problems)
        try throwFieldErrors(body) { problems.all }
        try problems.throwIfAny()
        guard let e164, let state else { throw Problem.invalidFields(problems.all) }
        let match = try await self.doNotCall.match(phone: e164, state: state.uppercased(), tenantID: principal.tenantID)
        return JSONResponse([
            "on_dnc": .bool(match.listed),
            "checks": ["federal_dnc": .bool(match.federal), "state_dnc": .bool(match.state), "internal_dnc": .bool(match.internalList)],
            "phone": .string(e164),
            "lists_not_loaded": .strings(match.listsNotLoaded),
        ])
    }

    /// Checks a required state code, adding the field error that says what is wrong.
    static func state(_ raw: String?, lacking: Bool, into problems: inout FieldErrors) {
        if let raw { FieldRules.state(raw, field: "state", into: &problems) } else if lacking { problems.add("state", "is required") }
    }

    /// A US phone in E.164, or the field error that says why not.
    static func phone(_ raw: String?, lacking: Bool, into problems: inout FieldErrors) -> String? {
        guard let raw else {
            if lacking { problems.add("phone", "is required") }
            return nil
        }
        guard let e164 = PhoneNumber.e164(fromUS: raw) else {
            problems.add("phone", "must be a valid US phone number, as E.164 (+17025551234)")
            return nil
        }
        return e164
    }

    /// A day's calling window as `{start, end}`; null when calls are not allowed that day.
    static func window(_ hours: DailyHours?) -> JSONValue {
        hours.map { ["start": .string($0.start), "end": .string($0.end)] } ?? .null
    }

    /// The spec's fields (`calling_hours` as one window and the state's main time zone,
    /// `two_party_consent`, `telemarketing_registration_required`, `mini_tcpa`,
    /// `additional_restrictions`) and the richer ones: hours per weekday, every time zone, notes, sources.
    static func resource(_ rule: StateRule, federalFloor: DailyHours) -> JSONValue {
        func flag(_ value: Bool?) -> JSONValue { value.map(JSONValue.bool) ?? .null }
        // The spec's single window: the weekday (Monday) hours, or the federal floor when unknown.
        let weekday = rule.callingHours.flatMap { $0[.monday] } ?? federalFloor
        var weekly: [String: JSONValue] = [:]
        for day in Weekday.allCases { weekly[day.name] = rule.callingHours.map { Self.window($0[day]) } ?? .null }
        return [
            "state": .string(rule.code),
            "name": .string(rule.name),
            "calling_hours": [
                "start": .string(weekday.start), "end": .string(weekday.end), "timezone": .string(rule.timeZones.first ?? "UTC"),
            ],
            "calling_hours_by_day": rule.callingHours == nil ? .null : .object(weekly),
            "calling_hours_known": .bool(rule.callingHours != nil),
            "calling_hours_note": .optional(rule.callingHoursNote),
            "timezones": .strings(rule.timeZones),
            "holiday_ban": flag(rule.holidayBan),
            "holidays_note": .optional(rule.holidaysNote),
            "two_party_consent": flag(rule.allPartyRecordingConsent),
            "recording_consent_note": .optional(rule.recordingConsentNote),
            "telemarketing_registration_required": flag(rule.telemarketerRegistrationRequired),
            "registration_note": .optional(rule.registrationNote),
            "mini_tcpa": rule.miniTCPA.map { .bool($0 != .noneFound) } ?? .null,
            "mini_tcpa_rating": .optional(rule.miniTCPA?.rawValue),
            "mini_tcpa_note": .optional(rule.miniTCPANote),
            "state_dnc_list": .optional(rule.stateDoNotCallList?.rawValue),
            "state_dnc_note": .optional(rule.stateDoNotCallListNote),
            "max_calls_per_24h": .optional(rule.maxCallsPer24Hours),
            "additional_restrictions": .strings(rule.additionalRestrictions),
            "sources": .strings(rule.sources),
        ]
    }
}
