/// Whether an inbound text asks to stop. Revoke when the message, case-folded with punctuation
/// removed, holds one of the stop words as a whole word, or the phrase "opt out": "Stop.", "stop
/// texting me", "Please opt-out". When in doubt, revoke: a false revocation costs a lead, a missed
/// one a TCPA claim (the FCC's 2024 revocation rule accepts any reasonable means).
public enum OptOutMessage {
    public static let stopWords: Set<String> = ["stop", "stopall", "unsubscribe", "cancel", "end", "quit", "revoke", "optout"]

    public static func isOptOut(_ text: String) -> Bool {
        let folded = text.lowercased()
        // Punctuation dropped ("opt-out" → "optout") and punctuation as a space ("stop,please" → "stop please"): either may say it.
        for reading in [Self.words(folded, punctuation: ""), Self.words(folded, punctuation: " ")] {
            if reading.contains(where: Self.stopWords.contains) { return true }
            if zip(reading, reading.dropFirst()).contains(where: { $0 == "opt" && $1 == "out" }) { return true }
        }
        return false
    }

    static func words(_ text: String, punctuation replacement: String) -> [String] {
        var cleaned = ""
        for character in text {
            if character.isLetter || character.isNumber || character.isWhitespace {
                cleaned.append(character)
            } else {
                cleaned += replacement
            }
        }
        return cleaned.split(whereSeparator: \.isWhitespace).map(String.init)
    }
}
