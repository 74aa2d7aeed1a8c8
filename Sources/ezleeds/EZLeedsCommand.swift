import ArgumentParser
import Foundation
import LeadEngine

@main
struct EZLeedsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ezleeds",
        abstract: "EZLeeds: a real-time ping-post lead marketplace engine.",
        version: EZLeedsVersion.current,
        subcommands: [
            Serve.self, TenantCommand.self, KeyCommand.self, LedgerCommand.self, DoNotCallCommand.self, BackupCommand.self,
        ]
    )

    /// Reads `EZLEEDS_*` settings from the environment into the arguments, then parses as usual,
    /// so a setting from the environment is validated exactly as its flag would be.
    static func main() async {
        let arguments = Array(CommandLine.arguments.dropFirst())
        do {
            await Self.main(try ServeSettings.arguments(arguments, environment: ProcessInfo.processInfo.environment))
        } catch {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            Foundation.exit(ExitCode.validationFailure.rawValue)
        }
    }
}
