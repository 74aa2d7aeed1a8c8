/// The person behind a lead, as posted: who they are and how to reach them.
public struct LeadContact: Sendable, Equatable {
    public var firstName: String
    public var lastName: String
    /// E.164, `+1` and ten digits.
    public var phone: String
    public var email: String
    public var state: String
    public var zipCode: String

    public init(firstName: String, lastName: String, phone: String, email: String, state: String, zipCode: String) {
        self.firstName = firstName
        self.lastName = lastName
        self.phone = phone
        self.email = email
        self.state = state
        self.zipCode = zipCode
    }

    /// Checks a posted lead, normalising the phone to E.164; every bad field is named under `prefix`.
    public static func validated(
        firstName: String?, lastName: String?, phone: String?, email: String?, state: String?, zipCode: String?, prefix: String = "lead."
    ) throws(ValidationError) -> LeadContact {
        var errors = FieldErrors()
        for (field, value) in [("first_name", firstName), ("last_name", lastName)] {
            if let value { FieldRules.personName(value, field: prefix + field, into: &errors) } else { errors.add(prefix + field, "is required") }
        }
        var normalizedPhone = ""
        if let phone {
            if let e164 = PhoneNumber.e164(fromUS: phone) { normalizedPhone = e164 } else {
                errors.add(prefix + "phone", "must be a valid US phone number, as E.164 (+17025551234)")
            }
        } else {
            errors.add(prefix + "phone", "is required")
        }
        if let email {
            if !EmailAddress.isValid(email) { errors.add(prefix + "email", "must be a valid email address") }
        } else {
            errors.add(prefix + "email", "is required")
        }
        if let state { FieldRules.state(state, field: prefix + "state", into: &errors) } else { errors.add(prefix + "state", "is required") }
        if let zipCode { FieldRules.zipCode(zipCode, field: prefix + "zip_code", into: &errors) } else { errors.add(prefix + "zip_code", "is required") }
        try errors.throwIfAny()
        return LeadContact(
            firstName: firstName?.trimmingWhitespace() ?? "", lastName: lastName?.trimmingWhitespace() ?? "", phone: normalizedPhone,
            email: (email ?? "").trimmingWhitespace().lowercased(), state: state ?? "", zipCode: zipCode ?? ""
        )
    }
}

/// US phone numbers under the North American Numbering Plan.
public enum PhoneNumber {
    /// `+1NXXNXXXXXX` for a valid US number written in any common way (E.164, 10 digits, with
    /// punctuation or a leading 1); nil when it is not one. N is 2–9 for area code and exchange,
    /// and N11 service codes are not area codes.
    public static func e164(fromUS text: String) -> String? {
        let trimmed = text.trimmingWhitespace()
        guard trimmed.count <= 25 else { return nil }
        var digits: [UInt8] = []
        for scalar in trimmed.unicodeScalars {
            switch scalar {
            case "0"..."9": digits.append(UInt8(scalar.value) - 48)
            case " ", "-", ".", "(", ")": continue
            case "+" where digits.isEmpty: continue
            default: return nil
            }
        }
        if digits.count == 11, digits[0] == 1 { digits.removeFirst() }
        guard digits.count == 10 else { return nil }
        guard digits[0] >= 2, digits[3] >= 2 else { return nil }
        guard !(digits[1] == 1 && digits[2] == 1) else { return nil }
        return "+1" + digits.map(String.init).joined()
    }
}

/// Email syntax as deliverability checks it in practice: one `@`, a sane local part, a dotted domain.
public enum EmailAddress {
    public static func isValid(_ text: String) -> Bool {
        let email = Array(text.trimmingWhitespace().utf8)
        guard email.count <= 254 else { return false }
        // Bytes, not Characters: every allowed character is ASCII, so any other byte fails the
        // same checks, and each post validates an address.
        let parts = email.split(separator: UInt8(ascii: "@"), omittingEmptySubsequences: false)
        guard parts.count == 2 else { return false }
        let local = parts[0]
        let domain = parts[1]
        guard (1...64).contains(local.count), local.first != UInt8(ascii: "."), local.last != UInt8(ascii: "."),
            !zip(local, local.dropFirst()).contains(where: { $0 == UInt8(ascii: ".") && $1 == UInt8(ascii: ".") }),
            local.allSatisfy(Self.isAllowedInLocalPart)
        else { return false }
        let labels = domain.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard labels.count >= 2, let tld = labels.last, tld.count >= 2, tld.allSatisfy(Self.isASCIILetter) else { return false }
        return labels.allSatisfy { label in
            (1...63).contains(label.count) && label.first != UInt8(ascii: "-") && label.last != UInt8(ascii: "-")
                && label.allSatisfy { Self.isASCIILetter($0) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || $0 == UInt8(ascii: "-") }
        }
    }

    private static func isASCIILetter(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte | 0x20)
    }

    /// Letters, digits and ``!#$%&'*+/=?^_`{|}~.-``.
    private static func isAllowedInLocalPart(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"): true
        case UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "&"), UInt8(ascii: "'"), UInt8(ascii: "*"),
            UInt8(ascii: "+"), UInt8(ascii: "/"), UInt8(ascii: "="), UInt8(ascii: "?"), UInt8(ascii: "^"), UInt8(ascii: "_"), UInt8(ascii: "`"),
            UInt8(ascii: "{"), UInt8(ascii: "|"), UInt8(ascii: "}"), UInt8(ascii: "~"), UInt8(ascii: "."), UInt8(ascii: "-"):
            true
        default: false
        }
    }
}
