import Foundation
import Hummingbird
import LeadEngine
import NIOCore

/// Per-request state: the framework's core, the caller's address, and the authenticated principal.
public struct AppRequestContext: RequestContext, RemoteAddressRequestContext {
    /// Request bodies above 1 MiB are refused with 413; no lead or buyer payload comes near it.
    public static let maxBodyBytes = 1 << 20

    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?
    /// Set by the key middleware, or by the dashboard's session middleware; nil on key-less routes.
    public var principal: Principal?
    /// The signed-in operator's session, on dashboard pages.
    public var dashboardSession: DashboardSession?

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.remoteAddress = source.channel.remoteAddress
    }

    public var maxUploadSize: Int { Self.maxBodyBytes }

    public var responseEncoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    /// The authenticated caller. Routes behind the key middleware always have one.
    func requirePrincipal() throws -> Principal {
        guard let principal else { throw Problem.unauthorized() }
        return principal
    }

    /// The caller, if their key has `role`; otherwise 403.
    func requireRole(_ role: KeyRole) throws -> Principal {
        let principal = try self.requirePrincipal()
        guard principal.role == role else {
            throw Problem.forbidden("This endpoint needs a key with role \(role.rawValue); this key has role \(principal.role.rawValue).")
        }
        return principal
    }
}
