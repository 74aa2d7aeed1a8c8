import Foundation
import NIOSSL
import TestSupport

/// A throwaway self-signed certificate for 127.0.0.1 and localhost, made with openssl.
struct ThrowawayCertificate: Sendable {
    let directory: URL
    var certificate: String { self.directory.appendingPathComponent("cert.pem").path }
    var key: String { self.directory.appendingPathComponent("key.pem").path }

    static func make() async throws -> ThrowawayCertificate {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("smtp-cert-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let made = ThrowawayCertificate(directory: directory)
        // P-256: generated in milliseconds, where RSA-2048 can take a second.
        let openssl = try await ChildProcess.run(
            "openssl",
            [
                "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-subj", "/CN=localhost",
                "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1", "-days", "1", "-keyout", made.key, "-out", made.certificate,
            ]
        )
        guard FileManager.default.fileExists(atPath: made.certificate) else { throw ChildProcess.Failure(description: "openssl made no certificate: \(openssl.stderr)") }
        return made
    }

    /// A client configuration trusting this certificate alone.
    func trustingIt() throws -> TLSConfiguration {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(self.certificate))
        return configuration
    }

    func remove() {
        try? FileManager.default.removeItem(at: self.directory)
    }
}
