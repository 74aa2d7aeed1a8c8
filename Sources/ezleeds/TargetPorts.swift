import ArgumentParser
import Foundation

/// `--allow-target-ports`: a comma-separated list of ports, each 1 to 65535.
enum TargetPorts {
    @Sendable
    static func parse(_ text: String) throws -> [Int] {
        let items = text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        return try items.map { item in
            guard let port = Int(item), (1...65535).contains(port) else {
                throw ValidationError("\"\(item)\" is not a port (1 to 65535)")
            }
            return port
        }
    }
}
