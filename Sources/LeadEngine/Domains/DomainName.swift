import Foundation

/// A sending domain's name as DNS knows it: lowercase A-labels, no trailing dot. Internationalised
/// names are accepted and stored in their punycode form (`bücher.example` → `xn--bcher-kva.example`),
/// the form mail headers and DNS queries need.
public struct DomainName: Sendable, Hashable, CustomStringConvertible {
    public let ascii: String

    public var description: String { self.ascii }

    /// The labels, leftmost first.
    public var labels: [Substring] { self.ascii.split(separator: ".", omittingEmptySubsequences: false) }

    /// Normalises and checks a name a user typed; the error says what is wrong with it.
    public static func parse(_ text: String, field: String = "domain") throws(ValidationError) -> DomainName {
        func refuse(_ message: String) -> ValidationError { ValidationError(field: field, message: message) }
        var name = text.trimmingCharacters(in: .whitespaces).precomposedStringWithCanonicalMapping.lowercased()
        if name.hasSuffix(".") { name.removeLast() }
        guard !name.isEmpty else { throw refuse("is empty") }
        if IPAddress(name) != nil || IPAddress(name.trimmingCharacters(in: CharacterSet(charactersIn: "[]"))) != nil {
            throw refuse("is an IP address; a sending domain is a name such as mail.example.com")
        }
        var asciiLabels: [String] = []
        for label in name.split(separator: ".", omittingEmptySubsequences: false) {
            guard !label.isEmpty else { throw refuse("has an empty label (two dots in a row, or a leading dot)") }
            var ascii = String(label)
            if !label.unicodeScalars.allSatisfy(\.isASCII) {
                guard let encoded = Punycode.encode(Array(label.unicodeScalars)) else { throw refuse("has a label that cannot be encoded") }
                ascii = "xn--" + encoded
            }
            guard ascii.utf8.count <= 63 else { throw refuse("has a label of \(ascii.utf8.count) bytes; at most 63") }
            guard ascii.utf8.allSatisfy({ Self.isLabelByte($0) }) else {
                throw refuse("may hold only letters, digits and hyphens in each label")
            }
            guard ascii.first != "-", ascii.last != "-" else { throw refuse("has a label that starts or ends with a hyphen") }
            asciiLabels.append(ascii)
        }
        guard asciiLabels.count >= 2 else { throw refuse("needs at least two labels, such as example.com") }
        guard let top = asciiLabels.last, !top.utf8.allSatisfy({ (48...57).contains($0) }) else {
            throw refuse("ends in a numeric label; a sending domain is a name such as mail.example.com")
        }
        let ascii = asciiLabels.joined(separator: ".")
        guard ascii.utf8.count <= 253 else { throw refuse("is \(ascii.utf8.count) bytes long; at most 253") }
        return DomainName(ascii: ascii)
    }

    /// A name already in stored form.
    public init(ascii: String) {
        self.ascii = ascii
    }

    /// The name with `prefix` labels in front: `ezl._domainkey` + this.
    public func prefixed(_ prefix: String) -> String { "\(prefix).\(self.ascii)" }

    static func isLabelByte(_ byte: UInt8) -> Bool {
        (97...122).contains(byte) || (48...57).contains(byte) || byte == 45
    }
}
