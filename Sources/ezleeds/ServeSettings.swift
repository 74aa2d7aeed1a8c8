import ArgumentParser
import Foundation

/// One `ezleeds serve` setting: its flag, and the environment variable that stands in for it.
struct ServeSetting: Sendable {
    enum Kind: Sendable {
        /// `--name value`.
        case value
        /// `--name` or `--no-name`; the variable is 1, true, yes or 0, false, no.
        case flag
        /// `--name value`, repeated; the variable is a comma-separated list.
        case list
    }

    let flag: String
    let environment: String
    let kind: Kind

    init(_ flag: String, _ kind: Kind = .value, environment: String? = nil) {
        self.flag = flag
        self.kind = kind
        self.environment = environment ?? "EZLEEDS_" + flag.uppercased().replacingOccurrences(of: "-", with: "_")
    }

    /// The arguments that say what the variable's `value` says.
    func arguments(for value: String) throws -> [String] {
        switch self.kind {
        case .value:
            return ["--\(self.flag)", value]
        case .list:
            return value.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
                .flatMap { ["--\(self.flag)", $0] }
        case .flag:
            switch value.lowercased() {
            case "1", "true", "yes": return ["--\(self.flag)"]
            case "0", "false", "no": return ["--no-\(self.flag)"]
            default: throw EnvironmentSettingError(variable: self.environment, value: value, reason: "expected 1, true, yes, 0, false or no")
            }
        }
    }

    /// Whether the command line already sets this (the flag wins over the environment).
    func isSet(in arguments: [String]) -> Bool {
        let names = self.kind == .flag ? ["--\(self.flag)", "--no-\(self.flag)"] : ["--\(self.flag)"]
        return arguments.prefix { $0 != "--" }.contains { argument in
            names.contains { argument == $0 || argument.hasPrefix($0 + "=") }
        }
    }
}

/// An `EZLEEDS_*` variable whose value its flag would refuse.
struct EnvironmentSettingError: Error, CustomStringConvertible {
    let variable: String
    let value: String
    let reason: String

    var description: String { "\(self.variable)=\"\(self.value)\" is invalid: \(self.reason)" }
}

/// Every `serve` setting, each also an `EZLEEDS_<NAME>` environment variable; the flag wins.
///
/// The variables become arguments before parsing, so they are checked by the same rules as the
/// flags. A test holds every option of `serve` to having an entry here.
enum ServeSettings {
    static let all: [ServeSetting] = [
        ServeSetting("host"),
        ServeSetting("port"),
        ServeSetting("db"),
        ServeSetting("store", environment: "EZLEEDS_STORE_URL"),
        ServeSetting("log-level"),
        ServeSetting("access-log", .flag),
        ServeSetting("fast-lane", .flag),
        ServeSetting("max-live-pings-per-tenant"),
        ServeSetting("dedup-window-days"),
        ServeSetting("allow-private-targets", .flag),
        ServeSetting("allow-target-cidr", .list, environment: "EZLEEDS_ALLOW_TARGET_CIDRS"),
        ServeSetting("allow-target-ports"),
        ServeSetting("sms-api-url"),
        ServeSetting("sms-account-sid"),
        ServeSetting("sms-auth-token"),
        ServeSetting("sms-from"),
        ServeSetting("dialer-url"),
        ServeSetting("dialer-secret"),
        ServeSetting("public-base-url"),
        ServeSetting("node-name"),
        ServeSetting("idle-timeout"),
        ServeSetting("body-timeout"),
        ServeSetting("max-connections"),
        ServeSetting("ping-retention-days"),
        ServeSetting("inline-delivery-ms"),
        ServeSetting("metrics-token"),
        ServeSetting("smtp-url"),
        ServeSetting("smtp-ca-file"),
        ServeSetting("dns-server"),
        ServeSetting("spf-include"),
        ServeSetting("domain-recheck-hours"),
        ServeSetting("public-suffix-list"),
    ]

    /// The commands besides `serve` that open the store: `EZLEEDS_DB` and `EZLEEDS_STORE_URL` name it for them too.
    static let storeCommands: [[String]] = [
        ["tenant", "create"], ["tenant", "list"], ["key", "create"], ["key", "revoke"], ["key", "list"], ["ledger", "verify"],
        ["dnc", "import"], ["backup"],
    ]

    /// A flag's help, naming its variable.
    static func help(_ flag: String, _ text: String, valueName: String? = nil) -> ArgumentHelp {
        guard let setting = Self.all.first(where: { $0.flag == flag }) else { return ArgumentHelp(text, valueName: valueName) }
        return ArgumentHelp("\(text) (env \(setting.environment))", valueName: valueName)
    }

    /// `arguments` followed by the arguments of every variable set in `environment` whose flag
    /// `arguments` lacks. An empty variable counts as unset. Help requests are left alone.
    static func arguments(_ arguments: [String], environment: [String: String]) throws -> [String] {
        guard !arguments.contains(where: { ["--help", "-h", "--experimental-dump-help", "--version"].contains($0) }) else { return arguments }
        let settings: [ServeSetting]
        if arguments.first == "serve" {
            settings = Self.all
        } else if Self.storeCommands.contains(where: { arguments.starts(with: $0) }) {
            settings = Self.all.filter { $0.flag == "db" || $0.flag == "store" }
        } else {
            return arguments
        }
        var added: [String] = []
        for setting in settings where !setting.isSet(in: arguments) {
            guard let value = environment[setting.environment], !value.isEmpty else { continue }
            let more = try setting.arguments(for: value)
            if arguments.first == "serve" {
                do {
                    _ = try Serve.parse(more)
                } catch {
                    throw EnvironmentSettingError(variable: setting.environment, value: value, reason: Serve.message(for: error))
                }
            }
            added += more
        }
        return arguments + added
    }
}
