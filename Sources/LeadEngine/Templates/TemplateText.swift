import Foundation
import Mustache

/// Outreach text in Mustache over a lead's fields. Checked when it is saved, so that a misspelt
/// variable is a 422 then and never an empty gap in a text already sent; rendered as plain text
/// (an SMS or a script has no HTML to escape: `{{first_name}}` of "O'Brien" stays "O'Brien").
///
/// Allowed: `{{name}}`, `{{{name}}}`, `{{&name}}`, sections `{{#name}}…{{/name}}` and
/// `{{^name}}…{{/name}}` (a field the lead lacks is false), comments, and the string transforms
/// `{{uppercased(name)}}`, `lowercased`, `capitalized`. Partials, blocks, pragmas and changed
/// delimiters are refused: a template is one self-contained text.
public enum TemplateText {
    /// The lead fields a template may name.
    public static let variables: [String] = ["first_name", "last_name", "email", "phone", "state", "zip_code", "campaign_type", "source"]
    static let transforms: Set<String> = ["uppercased", "lowercased", "capitalized"]
    /// Renders as text: the library escapes for HTML unless told otherwise.
    static let textPragma = "{{% CONTENT_TYPE: TEXT}}"

    /// Throws a `ValidationError` naming `field` when `text` does not parse or uses what a lead has not.
    public static func check(_ text: String, field: String) throws(ValidationError) {
        do {
            _ = try MustacheTemplate(string: text)
        } catch {
            throw ValidationError(field: field, message: "is not a valid template (\(error)): close every {{ with }} and every section with {{/name}}")
        }
        for tag in Self.tags(in: text) {
            if let problem = Self.problem(with: tag) { throw ValidationError(field: field, message: problem) }
        }
    }

    /// The variables `text` names, in order of first use.
    public static func variables(in text: String) -> [String] {
        var seen: [String] = []
        for tag in Self.tags(in: text) {
            guard let name = Self.variable(of: tag), !seen.contains(name) else { continue }
            seen.append(name)
        }
        return seen
    }

    /// The variables a template's subject and body name, each once.
    public static func variables(of template: MessageTemplate) -> [String] {
        Self.variables(in: (template.subject ?? "") + "\n" + template.body)
    }

    /// `text` with the lead's fields filled in. Text saved before the rules it breaks is sent as written.
    public static func render(_ text: String, lead: Lead) -> String {
        guard let template = try? MustacheTemplate(string: Self.textPragma + text) else { return text }
        return template.render(Self.values(of: lead))
    }

    /// The lead's fields; an empty one is left out, so that a section over it is false.
    static func values(of lead: Lead) -> [String: String] {
        let contact = lead.contact
        let all = [
            "first_name": contact.firstName, "last_name": contact.lastName, "email": contact.email, "phone": contact.phone,
            "state": contact.state, "zip_code": contact.zipCode, "campaign_type": lead.campaignType.rawValue, "source": lead.source,
        ]
        return all.filter { !$0.value.isEmpty }
    }

    /// What is wrong with one tag, or nil.
    static func problem(with tag: Substring) -> String? {
        guard let sigil = tag.first else { return "has an empty tag {{}}" }
        switch sigil {
        case "!":
            return nil
        case ">", "<", "$":
            return "uses a partial or block ({{\(tag)}}); a template is one self-contained text"
        case "=", "%":
            return "changes delimiters or sets a pragma ({{\(tag)}}); neither is supported"
        default:
            break
        }
        let body = Self.name(of: tag)
        if let open = body.firstIndex(of: "("), body.last == ")" {
            let transform = String(body[..<open])
            guard Self.transforms.contains(transform) else {
                return "uses an unknown transform \(transform)(); use one of \(Self.transforms.sorted().joined(separator: ", "))"
            }
        }
        guard let name = Self.variable(of: tag), Self.variables.contains(name) else {
            return "names an unknown variable {{\(body)}}; a lead has \(Self.variables.joined(separator: ", "))"
        }
        return nil
    }

    /// The lead field a variable or section tag names (inside a transform), or nil for a comment.
    static func variable(of tag: Substring) -> String? {
        guard tag.first != "!" else { return nil }
        let body = Self.name(of: tag)
        if let open = body.firstIndex(of: "("), body.last == ")" {
            return String(body[body.index(after: open)..<body.index(before: body.endIndex)]).trimmingWhitespace()
        }
        return body
    }

    /// A tag without its sigil and spaces: `{{# first_name }}` → `first_name`.
    static func name(of tag: Substring) -> String {
        var body = tag
        if let sigil = body.first, "#^/&{".contains(sigil) { body = body.dropFirst() }
        if tag.first == "{", body.last == "}" { body = body.dropLast() }
        return String(body).trimmingWhitespace()
    }

    /// Every `{{…}}` in the text (a triple mustache keeps its inner braces), without the outer braces.
    static func tags(in text: String) -> [Substring] {
        var tags: [Substring] = []
        var rest = text[...]
        while let open = rest.range(of: "{{") {
            let afterOpen = rest[open.upperBound...]
            let closing = afterOpen.hasPrefix("{") ? "}}}" : "}}"
            guard let close = afterOpen.range(of: closing) else { break }
            var tag = afterOpen[..<close.lowerBound]
            if closing == "}}}" { tag = afterOpen[..<afterOpen.index(after: close.lowerBound)] }
            tags.append(tag.drop(while: \.isWhitespace))
            rest = afterOpen[close.upperBound...]
        }
        return tags
    }
}
