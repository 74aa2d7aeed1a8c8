import Foundation

extension StateRuleBook {
    /// The rules shipped with the package (`Compliance/Resources/state-rules.json`), read and
    /// validated the first time they are used, then kept for the life of the process.
    ///
    /// The file is part of the build, not of the deployment: a missing or invalid copy is a defect
    /// in the package, so the process stops with the reason rather than judging calls without rules.
    public static let shipped: StateRuleBook = {
        guard let url = Bundle.module.url(forResource: "state-rules", withExtension: "json") else {
            fatalError(
                "state-rules.json is not in the LeadEngine resource bundle: declare it in Package.swift with "
                    + "resources: [.copy(\"Compliance/Resources/state-rules.json\")]")
        }
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            fatalError("cannot read the shipped state rules at \(url.path): \(error)")
        }
        do {
            return try StateRuleBook.load(from: data)
        } catch {
            fatalError("the shipped state-rules.json is invalid: \(error)")
        }
    }()
}
