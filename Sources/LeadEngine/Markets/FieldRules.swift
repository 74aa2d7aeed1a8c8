/// The shared rules for fields that several entities carry, so every endpoint checks them alike.
public enum FieldRules {
    public static let maxNameLength = 200
    /// One hundred million dollars: far above any lead price or budget, low enough to stay exact.
    public static let maxCents: Int64 = 10_000_000_000

    public static func name(_ value: String, field: String, into errors: inout FieldErrors) {
        let trimmed = value.trimmingWhitespace()
        if trimmed.isEmpty {
            errors.add(field, "must not be empty")
        } else if trimmed.count > maxNameLength {
            errors.add(field, "must be at most \(maxNameLength) characters")
        } else {
            Self.displayable(trimmed, field: field, into: &errors)
        }
    }

    /// A name others are shown (a buyer's name reaches sellers as `buyer_name`): no control
    /// characters (CR, LF, tab, ESC and ANSI sequences, C1) and no bidirectional overrides or
    /// isolates, which make a name read as something it is not.
    public static func displayable(_ value: String, field: String, into errors: inout FieldErrors) {
        let hostile = value.unicodeScalars.contains { scalar in
            scalar.properties.generalCategory == .control || (0x202A...0x202E).contains(scalar.value) || (0x2066...0x2069).contains(scalar.value)
        }
        if hostile { errors.add(field, "must not contain control characters or bidirectional overrides") }
    }

    /// A person's name: 1 to 100 characters, letters with spaces, hyphens, apostrophes and periods.
    public static func personName(_ value: String, field: String, into errors: inout FieldErrors) {
        let trimmed = value.trimmingWhitespace()
        if trimmed.isEmpty || trimmed.count > 100 {
            errors.add(field, "must be 1 to 100 characters")
        } else if !trimmed.allSatisfy({ $0.isLetter || $0 == " " || $0 == "-" || $0 == "'" || $0 == "." || $0 == "’" }) {
            errors.add(field, "must be a name: letters, spaces, hyphens, apostrophes and periods")
        }
    }

    public static func cents(_ value: Int64, field: String, into errors: inout FieldErrors) {
        if value < 0 {
            errors.add(field, "must be a non-negative integer number of cents")
        } else if value > maxCents {
            errors.add(field, "must be at most \(maxCents) cents")
        }
    }

    public static func states(_ values: [String], field: String, into errors: inout FieldErrors) -> [String] {
        if values.isEmpty { errors.add(field, "must list at least one state") }
        let invalid = values.filter { !USState.isValid($0) }
        if !invalid.isEmpty {
            errors.add(field, "unknown state codes \(invalid.joined(separator: ", ")); use the 50 states and DC by USPS code")
        }
        return Array(Set(values)).sorted()
    }

    public static func state(_ value: String, field: String, into errors: inout FieldErrors) {
        if !USState.isValid(value) {
            errors.add(field, "unknown state code \(value); use the 50 states and DC by USPS code")
        }
    }

    public static func campaignType(_ value: String, field: String, into errors: inout FieldErrors) -> CampaignType? {
        guard let type = CampaignType(rawValue: value) else {
            errors.add(field, "unknown campaign type \(value); one of \(CampaignType.documentedList)")
            return nil
        }
        return type
    }

    public static func campaignTypes(_ values: [String], field: String, into errors: inout FieldErrors) -> [CampaignType] {
        if values.isEmpty { errors.add(field, "must list at least one campaign type") }
        let unknown = values.filter { CampaignType(rawValue: $0) == nil }
        if !unknown.isEmpty {
            errors.add(field, "unknown campaign types \(unknown.joined(separator: ", ")); use \(CampaignType.documentedList)")
        }
        return Array(Set(values.compactMap(CampaignType.init(rawValue:)))).sorted()
    }

    public static func zipCode(_ value: String, field: String, into errors: inout FieldErrors) {
        if !Self.isZipCode(value) { errors.add(field, "must be a 5-digit ZIP code") }
    }

    public static func isZipCode(_ value: String) -> Bool {
        value.utf8.count == 5 && value.utf8.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
    }

    /// An absolute http or https URL as `OutboundURL` reads it (the parser the connection uses too).
    public static func webURL(_ value: String, field: String, into errors: inout FieldErrors) {
        if case .failure(let refusal) = OutboundURL.parse(value) { errors.add(FieldError(field: field, refusal: refusal)) }
    }
}

extension String {
    func trimmingWhitespace() -> String {
        var view = Substring(self)
        while let first = view.first, first.isWhitespace { view = view.dropFirst() }
        while let last = view.last, last.isWhitespace { view = view.dropLast() }
        return String(view)
    }
}
