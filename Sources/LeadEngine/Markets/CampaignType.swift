/// The verticals a campaign, a buyer or a lead belongs to. The API spells them by raw value.
public enum CampaignType: String, CaseIterable, Sendable, Hashable, Comparable {
    case legalPI = "legal_pi"
    case legalMassTort = "legal_mass_tort"
    case legalWorkersComp = "legal_workers_comp"
    case legalSSDI = "legal_ssdi"
    case autoInsurance = "auto_insurance"
    case homeInsurance = "home_insurance"
    case healthInsurance = "health_insurance"
    case lifeInsurance = "life_insurance"
    case medicare = "medicare"
    case finalExpense = "final_expense"
    case solar = "solar"
    case homeServices = "home_services"
    case debtRelief = "debt_relief"
    case taxRelief = "tax_relief"
    case mortgage = "mortgage"
    case personalLoans = "personal_loans"
    case education = "education"

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

    public static var documentedList: String {
        allCases.map(\.rawValue).joined(separator: ", ")
    }
}

/// Whether a buyer takes a lead alone or alongside others.
public enum Exclusivity: String, CaseIterable, Sendable, Hashable {
    case shared
    case exclusive
}
