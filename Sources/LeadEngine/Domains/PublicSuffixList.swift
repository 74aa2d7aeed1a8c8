/// The Public Suffix List's rules (publicsuffix.org), to find a name's organizational domain: the
/// public suffix plus one label (`mail.acme.co.uk` → `acme.co.uk`). DMARC falls back to the
/// record there (RFC 7489 §6.6.3). Without a list, every suffix is one label (the list's default rule).
public struct PublicSuffixList: Sendable {
    var rules: Set<String> = []
    var wildcards: Set<String> = []
    var exceptions: Set<String> = []

    /// Parses the list's text format: one rule a line, `//` comments, `*.` wildcards, `!` exceptions.
    /// Unicode rules are kept as written; they never match the A-labels we look up, so they are inert.
    public init(text: String) {
        for line in text.split(whereSeparator: \.isNewline) {
            guard let rule = line.split(whereSeparator: \.isWhitespace).first, !rule.hasPrefix("//") else { continue }
            let lowered = rule.lowercased()
            if lowered.hasPrefix("!") {
                self.exceptions.insert(String(lowered.dropFirst()))
            } else if lowered.hasPrefix("*.") {
                self.wildcards.insert(String(lowered.dropFirst(2)))
            } else {
                self.rules.insert(lowered)
            }
        }
    }

    /// The list with only the default rule.
    public static let defaultRuleOnly = PublicSuffixList(text: "")

    /// How many labels of `labels` (rightmost last) form the public suffix.
    func suffixLength(of labels: [Substring]) -> Int {
        var longest = 1
        for count in 1...labels.count {
            let candidate = labels.suffix(count).joined(separator: ".")
            if self.exceptions.contains(candidate) { return count - 1 }
            if self.rules.contains(candidate) { longest = max(longest, count) }
            if count < labels.count, self.wildcards.contains(candidate) { longest = max(longest, count + 1) }
        }
        return longest
    }

    /// The organizational domain of `name`, or nil when the name is itself a public suffix.
    public func organizationalDomain(of name: DomainName) -> DomainName? {
        let labels = name.labels
        let suffix = self.suffixLength(of: labels)
        guard labels.count > suffix else { return nil }
        return DomainName(ascii: labels.suffix(suffix + 1).joined(separator: "."))
    }
}
