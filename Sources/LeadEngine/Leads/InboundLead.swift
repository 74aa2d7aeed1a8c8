/// A lead as sent to `/leads/inbound`, field by field as the JSON had it (nil when absent).
/// Types were checked by the API; everything about the values is qualification's to judge.
public struct InboundSubmission: Sendable {
    public var firstName: String?
    public var lastName: String?
    public var email: String?
    public var phone: String?
    public var state: String?
    public var zipCode: String?
    public var campaignType: CampaignType
    public var source: String
    public var notes: String?
    public var consent: ConsentSubmission?

    public init(
        firstName: String?, lastName: String?, email: String?, phone: String?, state: String?, zipCode: String?, campaignType: CampaignType,
        source: String, notes: String? = nil, consent: ConsentSubmission?
    ) {
        self.firstName = firstName
        self.lastName = lastName
        self.email = email
        self.phone = phone
        self.state = state
        self.zipCode = zipCode
        self.campaignType = campaignType
        self.source = source
        self.notes = notes
        self.consent = consent
    }
}

/// A consent as sent with an inbound lead, before qualification judged it.
public struct ConsentSubmission: Sendable {
    public var consentType: String?
    public var consentText: String?
    public var ipAddress: String?
    public var pageURL: String?
    public var userAgent: String?
    public var channel: String?
    public var mechanism: String?

    public init(
        consentType: String?, consentText: String?, ipAddress: String?, pageURL: String? = nil, userAgent: String? = nil, channel: String? = nil,
        mechanism: String? = nil
    ) {
        self.consentType = consentType
        self.consentText = consentText
        self.ipAddress = ipAddress
        self.pageURL = pageURL
        self.userAgent = userAgent
        self.channel = channel
        self.mechanism = mechanism
    }
}

/// One reason qualification refused a lead: the field, a stable code, and words for people.
public struct QualificationFailure: Sendable, Equatable {
    public var field: String
    public var code: String
    public var message: String

    public init(field: String, code: String, message: String) {
        self.field = field
        self.code = code
        self.message = message
    }
}

/// What qualification made of a submission: the normalised contact and consent when they pass,
/// and every reason they do not.
public struct Qualification: Sendable {
    public var contact: LeadContact
    public var consent: Consent?
    public var failures: [QualificationFailure]
    /// The phone's area code when the number is a valid US number in service.
    public var areaCode: AreaCode?

    public var passed: Bool { self.failures.isEmpty }
}

/// The checks an inbound lead must pass before it may be sold: required fields; a valid NANP phone
/// in a US area code in service, normalised to E.164; email syntax; one of the 51 states; a ZIP
/// that belongs to that state; and consent of an accepted type with its evidence.
public enum LeadQualification {
    /// The consent types a lead may be sold with. Every type the API knows is accepted today; the
    /// list is here so a tenant-level narrowing has one place to go.
    public static let acceptedConsentTypes: Set<ConsentType> = Set(ConsentType.allCases)

    public static func qualify(_ submission: InboundSubmission) -> Qualification {
        var failures: [QualificationFailure] = []
        func fail(_ field: String, _ code: String, _ message: String) {
            failures.append(QualificationFailure(field: field, code: code, message: message))
        }
        var names: [String: String] = [:]
        for (field, value) in [("first_name", submission.firstName), ("last_name", submission.lastName)] {
            guard let value, !value.trimmingWhitespace().isEmpty else {
                fail(field, "missing", "\(field) is required")
                continue
            }
            var errors = FieldErrors()
            FieldRules.personName(value, field: field, into: &errors)
            if let error = errors.all.first { fail(field, "invalid_name", "\(field) \(error.message)") }
            names[field] = value.trimmingWhitespace()
        }

        var phone = submission.phone?.trimmingWhitespace() ?? ""
        var areaCode: AreaCode?
        if phone.isEmpty {
            fail("phone", "missing", "phone is required")
        } else if let e164 = PhoneNumber.e164(fromUS: phone) {
            phone = e164
            let code = Int(e164.dropFirst(2).prefix(3)) ?? 0
            if let known = AreaCodes.lookUp(code) {
                areaCode = known
            } else {
                fail("phone", "invalid_phone", "area code \(code) is not a US area code in service")
            }
        } else {
            fail("phone", "invalid_phone", "phone must be a valid US number (NANP), such as +17025551234")
        }

        let email = submission.email?.trimmingWhitespace().lowercased() ?? ""
        if email.isEmpty {
            fail("email", "missing", "email is required")
        } else if !EmailAddress.isValid(email) {
            fail("email", "invalid_email", "email is not a valid address")
        }

        let state = submission.state?.trimmingWhitespace().uppercased() ?? ""
        let stateIsValid = USState.isValid(state)
        if state.isEmpty {
            fail("state", "missing", "state is required")
        } else if !stateIsValid {
            fail("state", "invalid_state", "state must be one of the 50 states or DC, as a two-letter code")
        }

        let zipCode = submission.zipCode?.trimmingWhitespace() ?? ""
        if zipCode.isEmpty {
            fail("zip_code", "missing", "zip_code is required")
        } else if !FieldRules.isZipCode(zipCode) {
            fail("zip_code", "invalid_zip", "zip_code must be 5 digits")
        } else if ZipCodePrefixes.states(forZipCode: zipCode).isEmpty {
            fail("zip_code", "invalid_zip", "ZIP code \(zipCode) is not in use")
        } else if stateIsValid && !ZipCodePrefixes.zipCode(zipCode, isIn: state) {
            fail("zip_code", "zip_state_mismatch", "ZIP code \(zipCode) is not in \(state)")
        }

        var consent: Consent?
        if let given = submission.consent {
            do {
                let checked = try Consent.validated(
                    consentType: given.consentType, consentText: given.consentText, ipAddress: given.ipAddress, pageURL: given.pageURL,
                    userAgent: given.userAgent, channel: given.channel, mechanism: given.mechanism
                )
                if Self.acceptedConsentTypes.contains(checked.consentType) {
                    consent = checked
                } else {
                    fail("consent.consent_type", "consent_type_not_accepted", "consent type \(checked.consentType.rawValue) is not accepted")
                }
            } catch {
                for field in error.fields { fail(field.field, "invalid_consent", "\(field.field) \(field.message)") }
            }
        } else {
            fail("consent", "missing_consent", "consent is required: a lead is sold only with the consent it was given")
        }

        return Qualification(
            contact: LeadContact(
                firstName: names["first_name"] ?? submission.firstName ?? "", lastName: names["last_name"] ?? submission.lastName ?? "",
                phone: phone, email: email, state: state, zipCode: zipCode
            ),
            consent: consent, failures: failures, areaCode: areaCode
        )
    }
}
